using Ffr.MLNet.Images;
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
    /// Reads every row; a row with a missing label or attribute stops with its position. With <paramref name="bySplitColumn"/>
    /// each row's split is read from <see cref="FfrTrainerOptions.SplitColumnName"/> (train, val or test; a synthetic row must
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

        bool isPath = IsPathColumn(data.Schema, options.ImageColumnName, role);
        SubgroupText text;
        try
        {
            text = SubgroupText.Create(mlContext.Transforms, data.Schema, options.LabelColumnName, options.AttributeColumnName);
        }
        catch (ArgumentOutOfRangeException ex) when (ex.Message.StartsWith("Could not find attribute column", StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(data),
                $"Could not find attribute column '{options.AttributeColumnName}' in the {role}: subgroups (label x attribute) drive model selection by worst-group accuracy, the synthetic budgets and the group-aware methods, so every dataset needs it.");
        }

        IDataView view = text.Apply(data);
        var columns = new List<DataViewSchema.Column> { view.Schema[options.LabelColumnName], view.Schema[text.AttributeText], view.Schema[options.ImageColumnName] };
        DataViewSchema.Column? source = SourceCells.Column(view.Schema, options.SourceColumnName);
        if (source is not null)
        {
            columns.Add(source.Value);
        }

        DataViewSchema.Column? splitColumn = bySplitColumn ? SplitColumn(view.Schema, options.SplitColumnName) : null;
        if (splitColumn is not null)
        {
            columns.Add(splitColumn.Value);
        }

        var result = new List<LabelledImage>();
        using DataViewRowCursor cursor = view.GetRowCursor(columns);
        ValueGetter<uint> getLabel = cursor.GetGetter<uint>(columns[0]);
        ValueGetter<ReadOnlyMemory<char>> getAttribute = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        ValueGetter<ReadOnlyMemory<char>>? getPath = isPath ? cursor.GetGetter<ReadOnlyMemory<char>>(columns[2]) : null;
        ValueGetter<VBuffer<float>>? getPixels = isPath ? null : cursor.GetGetter<VBuffer<float>>(columns[2]);
        var sources = new SourceCells(cursor, source, defaultSource);
        ValueGetter<ReadOnlyMemory<char>>? getSplit = splitColumn is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(splitColumn.Value);
        uint label = 0;
        ReadOnlyMemory<char> attribute = default, path = default, splitText = default;
        VBuffer<float> pixels = default;
        while (cursor.MoveNext())
        {
            DataSplit rowSplit = split;
            if (getSplit is not null)
            {
                getSplit(ref splitText);
                rowSplit = ImageRow.ParseSplit(splitText.Span)
                    ?? throw new InvalidDataException($"Row {cursor.Position} of the {role} has {options.SplitColumnName} '{splitText}'; use train, val or test.");
                if (rowSplit == DataSplit.Test)
                {
                    continue; // test rows are for evaluation only: Fit never reads them
                }
            }

            getLabel(ref label);
            getAttribute(ref attribute);
            if (label == 0)
            {
                throw new InvalidDataException(
                    $"Row {cursor.Position} of the {role} has a missing label in column '{options.LabelColumnName}', or one the training data does not have (the key mapping fitted on the training data maps unknown labels to missing). Fix or remove it.");
            }

            if (attribute.IsEmpty)
            {
                throw new InvalidDataException($"Row {cursor.Position} of the {role} has a missing value in column '{options.AttributeColumnName}'; fill or remove it.");
            }

            SampleSource rowSource = sources.Read(cursor, role);
            if (getSplit is not null && rowSource == SampleSource.Synthetic && rowSplit != DataSplit.Train)
            {
                throw new InvalidDataException(
                    $"Row {cursor.Position} of the {role} is synthetic with {options.SplitColumnName} '{splitText}'; synthetic images are training images only (the pool): set their {options.SplitColumnName} to train.");
            }

            string name;
            RgbImage? image = null;
            if (getPath is not null)
            {
                getPath(ref path);
                if (path.IsEmpty)
                {
                    throw new InvalidDataException($"Row {cursor.Position} of the {role} has an empty image path in column '{options.ImageColumnName}'.");
                }

                name = path.ToString();
            }
            else
            {
                getPixels!(ref pixels);
                image = FromPlanar(pixels.DenseValues().ToArray());
                name = $"{role} row {cursor.Position}";
            }

            result.Add(new LabelledImage(
                new ImageRow { ImagePath = name, Image = image, Label = labels[label - 1], Attribute = attribute.ToString(), Source = rowSource, Split = rowSplit },
                (int)label - 1));
        }

        return result;
    }

    private static bool IsSquare(int n)
    {
        int side = (int)Math.Round(Math.Sqrt(n));
        return side * side == n;
    }

    /// <summary>Planar R, G, B floats in 0..255 (ExtractPixels' defaults) to an image.</summary>
    private static RgbImage FromPlanar(float[] values)
    {
        int side = (int)Math.Round(Math.Sqrt(values.Length / 3));
        int plane = side * side;
        var pixels = new byte[plane * 3];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                pixels[i * 3 + c] = (byte)Math.Clamp(MathF.Round(values[c * plane + i]), 0, 255);
            }
        }

        return new RgbImage(side, side, pixels);
    }
}
