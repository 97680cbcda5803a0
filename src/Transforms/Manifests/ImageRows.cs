using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Manifests;

/// <summary>Reads <see cref="ImageRow"/>s from an IDataView with an image-path column.</summary>
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

        SubgroupText text = SubgroupText.Create(SubgroupText.ConversionsFor(catalog), data.Schema, labelColumnName, attributeColumnName);
        IDataView view = text.Apply(data);
        DataViewSchema.Column? sourceColumn = SourceCells.Column(view.Schema);
        var columns = new List<DataViewSchema.Column> { view.Schema[imageColumnName], view.Schema[text.LabelText], view.Schema[text.AttributeText] };
        if (sourceColumn is not null)
        {
            columns.Add(sourceColumn.Value);
        }

        var rows = new List<ImageRow>();
        using DataViewRowCursor cursor = view.GetRowCursor(columns);
        ValueGetter<ReadOnlyMemory<char>> getPath = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        ValueGetter<ReadOnlyMemory<char>> getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        ValueGetter<ReadOnlyMemory<char>> getAttribute = cursor.GetGetter<ReadOnlyMemory<char>>(columns[2]);
        var sources = new SourceCells(cursor, sourceColumn, defaultSource);
        ReadOnlyMemory<char> path = default, label = default, attribute = default;
        while (cursor.MoveNext())
        {
            getPath(ref path);
            getLabel(ref label);
            getAttribute(ref attribute);
            SampleSource rowSource = sources.Read(cursor, role);

            if (path.IsEmpty || label.IsEmpty || attribute.IsEmpty)
            {
                string column = path.IsEmpty ? imageColumnName : label.IsEmpty ? labelColumnName : attributeColumnName;
                throw new InvalidDataException($"Row {cursor.Position} of the {role} has a missing value in column '{column}'; fill or remove it.");
            }

            rows.Add(new ImageRow { ImagePath = path.ToString(), Label = label.ToString(), Attribute = attribute.ToString(), Source = rowSource, Split = split });
        }

        return rows;
    }
}
