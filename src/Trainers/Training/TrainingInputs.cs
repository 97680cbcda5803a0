using Ffr.MLNet.Manifests;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Training;

/// <summary>An image with its class index and attribute value, read from an IDataView.</summary>
internal sealed record LabelledImage(ImageRow Row, int Label);

/// <summary>Reads and checks the trainer's inputs: label (key), attribute, image (path or pixel vector), optional Source.</summary>
internal static class TrainingInputs
{
    /// <summary>The label's key values as text, in key order (class i = key i + 1).</summary>
    public static string[] Labels(DataViewSchema schema, string labelColumnName, string role)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find label column '{labelColumnName}' in the {role}");
        if (column.Type is not KeyDataViewType key)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Schema mismatch for label column '{labelColumnName}' in the {role}: expected Key, got {column.Type}. Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumnName}\").");
        }

        if (column.Annotations.Schema.GetColumnOrNull(SubgroupColumns.KeyValues) is not DataViewSchema.Column values)
        {
            return Enumerable.Range(1, (int)key.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }

        if (values.Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            column.GetKeyValues(ref buffer);
            return buffer.DenseValues().Select(v => v.ToString()).ToArray();
        }

        throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{labelColumnName}' in the {role} has key values of type {values.Type}; map text labels with MapValueToKey.");
    }

    /// <summary>Checks the image column: Text (a path) or a known-size Single vector of planar RGB values.</summary>
    public static bool IsPathColumn(DataViewSchema schema, string imageColumnName, string role)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(imageColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find image column '{imageColumnName}' in the {role}");
        if (column.Type is TextDataViewType)
        {
            return true;
        }

        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType n, Size: > 0 } vector && n == NumberDataViewType.Single && vector.Size % 3 == 0 && IsSquare(vector.Size / 3))
        {
            return false;
        }

        throw new ArgumentOutOfRangeException(nameof(schema),
            $"Schema mismatch for image column '{imageColumnName}' in the {role}: expected Text (an image path) or a Single vector of 3 x S x S planar RGB values (ExtractPixels), got {column.Type}");
    }

    /// <summary>The message for one IDataView without a Split column and no explicit validation data: it names both ways.</summary>
    public static string NoSplitMessage(string splitColumnName, string problem) =>
        $"The training data {problem}, and the trainer was given no validation data. Either give every row a Split (train, val or test) in a text column '{splitColumnName}' (as mlContext.Data.LoadImageManifest does; FfrTrainerOptions.SplitColumnName names another column), so that one IDataView holds the training rows, the synthetic pool and the validation rows, or pass the synthetic pool and the validation data explicitly: Trainers.Ffr(syntheticPool, validationData, ...).";

    /// <summary>The Split column of the one-view form: present and Text, or a message naming both ways to give validation data.</summary>
    public static DataViewSchema.Column SplitColumn(DataViewSchema schema, string splitColumnName)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(splitColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), NoSplitMessage(splitColumnName, $"has no column '{splitColumnName}'"));
        if (column.Type is not TextDataViewType)
        {
            throw new ArgumentOutOfRangeException(nameof(schema), NoSplitMessage(splitColumnName, $"has a column '{splitColumnName}' of type {column.Type}, not Text"));
        }

        return column;
    }

    /// <summary>
    /// Reads every row (<see cref="ImageRows"/>, the one reader of image rows) after checking the columns against the training
    /// data's classes; a row with a missing label or attribute stops with its position. With <paramref name="bySplitColumn"/>
    /// each row's split is read from <see cref="FfrTrainerOptions.SplitColumnName"/> (checked first with <see cref="SplitColumn"/>: train, val or test; a synthetic row must
    /// be train) and test rows are skipped unread; otherwise every row is of <paramref name="split"/>.
    /// </summary>
    public static List<LabelledImage> Read(MLContext mlContext, IDataView data, FfrTrainerOptions options, string[] labels, string role, SampleSource defaultSource, DataSplit split, bool bySplitColumn = false)
    {
        string[] ownLabels = Labels(data.Schema, options.LabelColumnName, role);
        if (!ownLabels.SequenceEqual(labels))
        {
            throw new ArgumentException(
                $"The label column '{options.LabelColumnName}' of the {role} has key values [{string.Join(", ", ownLabels)}] but the training data has [{string.Join(", ", labels)}]. Map every dataset's labels with the same MapValueToKey transformer (fit it once, on the training data).");
        }

        IsPathColumn(data.Schema, options.ImageColumnName, role);
        if (data.Schema.GetColumnOrNull(options.AttributeColumnName) is null)
        {
            throw new ArgumentOutOfRangeException(nameof(data),
                $"Could not find attribute column '{options.AttributeColumnName}' in the {role}: subgroups (label x attribute) drive model selection by worst-group accuracy, the synthetic budgets and the group-aware methods, so every dataset needs it.");
        }

        var columns = new ImageRowColumns(options.ImageColumnName, options.LabelColumnName, options.AttributeColumnName, options.SourceColumnName, bySplitColumn ? options.SplitColumnName : null);
        var classes = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        return ImageRows.Read(mlContext.Transforms, data, columns, defaultSource, split, role).Select(r => new LabelledImage(r, classes[r.Label])).ToList();
    }

    private static bool IsSquare(int n)
    {
        int side = (int)Math.Round(Math.Sqrt(n));
        return side * side == n;
    }
}
