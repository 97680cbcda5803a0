using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Manifests;

/// <summary>
/// The optional <c>Source</c> text column of an IDataView, read row by row: one rule for every
/// reader of image rows (a missing column or an empty cell takes the default; anything but real or
/// synthetic names the row).
/// </summary>
internal sealed class SourceCells
{
    private readonly ValueGetter<ReadOnlyMemory<char>>? _getter;
    private readonly SampleSource _defaultSource;
    private ReadOnlyMemory<char> _text;

    /// <summary>Reads <paramref name="column"/> (from <see cref="Column(DataViewSchema, string)"/>) on <paramref name="cursor"/>; null reads every row as <paramref name="defaultSource"/>.</summary>
    public SourceCells(DataViewRowCursor cursor, DataViewSchema.Column? column, SampleSource defaultSource)
    {
        _getter = column is null ? null : cursor.GetGetter<ReadOnlyMemory<char>>(column.Value);
        _defaultSource = defaultSource;
    }

    /// <summary>The schema's Source column when it is text, else null (the column is optional).</summary>
    public static DataViewSchema.Column? Column(DataViewSchema schema) => Column(schema, ManifestDefaults.Source);

    /// <summary>The schema's column <paramref name="name"/> when it is text, else null (the column is optional).</summary>
    public static DataViewSchema.Column? Column(DataViewSchema schema, string name) =>
        schema.GetColumnOrNull(name) is { Type: TextDataViewType } column ? column : null;

    /// <summary>The current row's source.</summary>
    /// <exception cref="InvalidDataException">The cell is neither empty, real nor synthetic.</exception>
    public SampleSource Read(DataViewRowCursor cursor, string role)
    {
        if (_getter is null)
        {
            return _defaultSource;
        }

        _getter(ref _text);
        return _text.Span.Trim().IsEmpty
            ? _defaultSource
            : ImageRow.ParseSource(_text.Span) ?? throw new InvalidDataException($"Row {cursor.Position} of the {role} has Source '{_text}'; use real or synthetic.");
    }
}
