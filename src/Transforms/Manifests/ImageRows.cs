using Ffr.MLNet.Images;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Manifests;

/// <summary>Which columns of an IDataView make an image row: the image (a path, or a Single vector of 3 x S x S planar RGB values), label, attribute, an optional Source and an optional Split.</summary>
/// <param name="Image">Text (a path) or a Single vector of planar RGB values in 0..255 (ImageAnalytics' ExtractPixels with its defaults).</param>
/// <param name="Label">Key with key values, Text, Boolean or integer.</param>
/// <param name="Attribute">Key with key values, Text, Boolean or integer.</param>
/// <param name="Source">Text, real or synthetic, read when present; without it every row takes the reader's default source.</param>
/// <param name="Split">Text, train, val or test, read when named; test rows are skipped, and a synthetic row must be train. Null: every row takes the reader's split.</param>
internal sealed record ImageRowColumns(string Image, string Label, string Attribute, string Source, string? Split);

/// <summary>Reads <see cref="ImageRow"/>s from an IDataView: the one reader of image rows, for the composer's catalog and the trainer.</summary>
public static class ImageRows
{
    /// <summary>
    /// The rows of <paramref name="data"/>: <paramref name="imageColumnName"/> (Text, a path),
    /// label and attribute (Key with key values, Text, Boolean or integer), and an optional
    /// <c>Source</c> text column (real or synthetic); rows without one take <paramref name="defaultSource"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of another type.</exception>
    /// <exception cref="InvalidDataException">A row has a missing value or an unknown Source.</exception>
    public static IReadOnlyList<ImageRow> FromDataView(DataOperationsCatalog catalog, IDataView data, SampleSource defaultSource, DataSplit split,
        string imageColumnName = "ImagePath", string labelColumnName = "Label", string attributeColumnName = "Attribute", string role = "data")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column? image = data.Schema.GetColumnOrNull(imageColumnName);
        if (image is null)
        {
            throw new ArgumentOutOfRangeException(nameof(data), $"Could not find image column '{imageColumnName}' in the {role}");
        }

        if (image.Value.Type is not TextDataViewType)
        {
            throw new ArgumentOutOfRangeException(nameof(data), $"Schema mismatch for image column '{imageColumnName}': expected Text (an image path), got {image.Value.Type}");
        }

        var columns = new ImageRowColumns(imageColumnName, labelColumnName, attributeColumnName, ManifestDefaults.Source, Split: null);
        return Read(SubgroupText.ConversionsFor(catalog), data, columns, defaultSource, split, role);
    }

    /// <summary>
    /// Reads every row of <paramref name="data"/> (its image column checked by the caller: Text or a Single vector of
    /// 3 x S x S values); a row with a missing value stops with its position in the <paramref name="role"/>. Pixel rows
    /// are named "<paramref name="role"/> row N" and hold their image.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The label or attribute column is missing or of another type.</exception>
    /// <exception cref="InvalidDataException">A row has a missing value, an unknown Source or Split, or is synthetic and not train.</exception>
    internal static List<ImageRow> Read(TransformsCatalog transforms, IDataView data, ImageRowColumns columns, SampleSource defaultSource, DataSplit split, string role)
    {
        bool isPath = data.Schema[columns.Image].Type is TextDataViewType;
        bool keyLabel = data.Schema[columns.Label].Type is KeyDataViewType;
        SubgroupText text = SubgroupText.Create(transforms, data.Schema, columns.Label, columns.Attribute);
        IDataView view = text.Apply(data);
        var read = new List<DataViewSchema.Column> { view.Schema[text.LabelText], view.Schema[text.AttributeText], view.Schema[columns.Image] };
        DataViewSchema.Column? source = SourceCells.Column(view.Schema, columns.Source);
        if (source is not null)
        {
            read.Add(source.Value);
        }

        DataViewSchema.Column? splitColumn = columns.Split is string splitName ? view.Schema[splitName] : null;
        if (splitColumn is not null)
        {
            read.Add(splitColumn.Value);
        }

        var rows = new List<ImageRow>();
        using DataViewRowCursor cursor = view.GetRowCursor(read);
        ValueGetter<ReadOnlyMemory<char>> getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(read[0]);
        ValueGetter<ReadOnlyMemory<char>> getAttribute = cursor.GetGetter<ReadOnlyMemory<char>>(read[1]);
        ValueGetter<ReadOnlyMemory<char>>? getPath = isPath ? cursor.GetGetter<ReadOnlyMemory<char>>(read[2]) : null;
        ValueGetter<VBuffer<float>>? getPixels = isPath ? null : cursor.GetGetter<VBuffer<float>>(read[2]);
        var sources = new SourceCells(cursor, source, defaultSource);
        ValueGetter<ReadOnlyMemory<char>>? getSplit = splitColumn is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(splitColumn.Value);
        ReadOnlyMemory<char> label = default, attribute = default, path = default, splitText = default;
        VBuffer<float> pixels = default;
        while (cursor.MoveNext())
        {
            DataSplit rowSplit = split;
            if (getSplit is not null)
            {
                getSplit(ref splitText);
                rowSplit = ImageRow.ParseSplit(splitText.Span)
                    ?? throw new InvalidDataException($"Row {cursor.Position} of the {role} has {columns.Split} '{splitText}'; use train, val or test.");
                if (rowSplit == DataSplit.Test)
                {
                    continue; // test rows are for evaluation only: training never reads them
                }
            }

            getLabel(ref label);
            getAttribute(ref attribute);
            if (label.IsEmpty && keyLabel)
            {
                throw new InvalidDataException(UnknownLabelMessage(cursor.Position, role, columns.Label));
            }

            if (label.IsEmpty || attribute.IsEmpty)
            {
                throw MissingValue(cursor, role, label.IsEmpty ? columns.Label : columns.Attribute);
            }

            SampleSource rowSource = sources.Read(cursor, role);
            if (getSplit is not null && rowSource == SampleSource.Synthetic && rowSplit != DataSplit.Train)
            {
                throw new InvalidDataException(
                    $"Row {cursor.Position} of the {role} is synthetic with {columns.Split} '{splitText}'; synthetic images are training images only (the pool): set their {columns.Split} to train.");
            }

            string name;
            RgbImage? image = null;
            if (getPath is not null)
            {
                getPath(ref path);
                if (path.IsEmpty)
                {
                    throw MissingValue(cursor, role, columns.Image);
                }

                name = path.ToString();
            }
            else
            {
                getPixels!(ref pixels);
                image = FromPlanar(pixels.DenseValues().ToArray());
                name = $"{role} row {cursor.Position}";
            }

            rows.Add(new ImageRow { ImagePath = name, Image = image, Label = label.ToString(), Attribute = attribute.ToString(), Source = rowSource, Split = rowSplit });
        }

        return rows;
    }

    /// <summary>A row whose label key is missing: left empty, or a label the key mapping (fitted on the training data) does not have.</summary>
    internal static string UnknownLabelMessage(long position, string role, string labelColumnName) =>
        $"Row {position} of the {role} has a missing label in column '{labelColumnName}', or one the training data does not have (the key mapping fitted on the training data maps unknown labels to missing). Fix or remove it.";

    private static InvalidDataException MissingValue(DataViewRowCursor cursor, string role, string column) =>
        new($"Row {cursor.Position} of the {role} has a missing value in column '{column}'; fill or remove it.");

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
