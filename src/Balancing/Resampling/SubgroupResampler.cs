using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Resampling;

/// <summary>
/// Group-balanced resampling. Memory: two int arrays of the row count (subgroup of each row, then
/// rows sorted by subgroup, the first reused for repeat counts); row data is never copied: the
/// result streams the source, repeating or skipping rows.
/// </summary>
internal static class SubgroupResampler
{
    public static IDataView Resample(DataOperationsCatalog catalog, IDataView data, SubgroupResamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RowsPerSubgroup is int rowsPerSubgroup)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerSubgroup, nameof(options.RowsPerSubgroup));
        }

        int seed = ContextSeed.Resolve(catalog, options.Seed);
        SubgroupText text = SubgroupText.Create(SubgroupText.ConversionsFor(catalog), data.Schema, options.LabelColumnName, options.AttributeColumnName);
        SubgroupScan scan = SubgroupScan.Run(data, text, collectRows: true);
        SubgroupChecks.ForBalancing(scan, options.LabelColumnName, options.AttributeColumnName);

        int[] rowGroups = scan.RowGroups!;
        long[] counts = scan.Counts;
        int groups = counts.Length;

        // Rows sorted by subgroup (counting sort): members of group g are order[start[g] .. start[g+1]).
        var start = new int[groups + 1];
        for (int g = 0; g < groups; g++)
        {
            start[g + 1] = start[g] + (int)counts[g];
        }

        var order = new int[rowGroups.Length];
        var next = (int[])start.Clone();
        for (int row = 0; row < rowGroups.Length; row++)
        {
            order[next[rowGroups[row]]++] = row;
        }

        long largest = counts.Max();
        long smallest = counts.Where(c => c > 0).Min();
        long target = options.RowsPerSubgroup ?? (options.Mode == SubgroupResamplingMode.UpSample ? largest : smallest);
        if (options.Mode == SubgroupResamplingMode.DownSample && target > smallest)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"RowsPerSubgroup ({target}) is larger than the smallest non-empty subgroup ({smallest} rows); down-sampling draws without replacement. Use at most {smallest}, or UpSample.");
        }

        // Reuse rowGroups as the repeat count of every row.
        int[] repeats = rowGroups;
        Array.Clear(repeats);
        var random = new Random(seed);
        for (int g = 0; g < groups; g++)
        {
            int n = (int)counts[g];
            if (n == 0)
            {
                continue;
            }

            Span<int> members = order.AsSpan(start[g], n);
            if (options.Mode == SubgroupResamplingMode.UpSample && target >= n)
            {
                foreach (int row in members)
                {
                    repeats[row]++;
                }

                for (long extra = n; extra < target; extra++)
                {
                    repeats[members[random.Next(n)]]++;
                }
            }
            else
            {
                // Partial Fisher-Yates: the first target members after shuffling are kept.
                for (int i = 0; i < target; i++)
                {
                    int j = i + random.Next(n - i);
                    (members[i], members[j]) = (members[j], members[i]);
                    repeats[members[i]]++;
                }
            }
        }

        return new RepeatedRowsDataView(data, repeats);
    }
}
