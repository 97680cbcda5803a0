namespace Ffr.MLNet.Subgroups;

/// <summary>Data checks shared by the operations that balance (resampling, weights).</summary>
internal static class SubgroupChecks
{
    /// <summary>Stops on missing values and on a single class, with messages that say how to fix the data.</summary>
    public static void ForBalancing(SubgroupScan scan, string labelColumnName, string attributeColumnName)
    {
        if (scan.SkippedRows > 0)
        {
            string which = (scan.MissingLabelRows > 0, scan.MissingAttributeRows > 0) switch
            {
                (true, true) => $"label column '{labelColumnName}' ({scan.MissingLabelRows} rows) and attribute column '{attributeColumnName}' ({scan.MissingAttributeRows} rows)",
                (true, false) => $"label column '{labelColumnName}' ({scan.MissingLabelRows} rows)",
                _ => $"attribute column '{attributeColumnName}' ({scan.MissingAttributeRows} rows)",
            };
            throw new InvalidOperationException(
                $"Missing values in {which}; the first is at row {scan.FirstSkippedRow}. A row without a subgroup cannot be balanced: fill or remove those rows first (for example with mlContext.Data.FilterByCustomPredicate).");
        }

        if (scan.Labels.Length == 0)
        {
            throw new InvalidOperationException($"The data has no rows; there is nothing to balance in label column '{labelColumnName}'.");
        }

        if (scan.Labels.Length == 1)
        {
            throw new InvalidOperationException($"Label column '{labelColumnName}' has a single class ('{scan.Labels[0]}'); balancing needs at least two classes.");
        }
    }
}
