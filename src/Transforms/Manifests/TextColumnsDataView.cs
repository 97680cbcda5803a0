using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Manifests;

/// <summary>An in-memory IDataView of text columns (a manifest's rows).</summary>
internal sealed class TextColumnsDataView : IDataView
{
    private readonly IReadOnlyList<string[]> _rows;
    private readonly ReadOnlyMemory<char>[][] _memory;

    public TextColumnsDataView(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
    {
        var builder = new DataViewSchema.Builder();
        foreach (string column in columns)
        {
            builder.AddColumn(column, TextDataViewType.Instance);
        }

        Schema = builder.ToSchema();
        _rows = rows;
        _memory = rows.Select(r => r.Select(v => v.AsMemory()).ToArray()).ToArray();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly TextColumnsDataView _parent;
        private int _position = -1;

        public Cursor(TextColumnsDataView parent) => _parent = parent;

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_position < _parent._rows.Count;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (typeof(TValue) != typeof(ReadOnlyMemory<char>))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is Text; asked for {typeof(TValue).Name}.");
            }

            int index = column.Index;
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) => value = _parent._memory[_position][index];
            return (ValueGetter<TValue>)(Delegate)getter;
        }
    }
}
