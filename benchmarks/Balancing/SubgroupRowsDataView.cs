using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Benchmarks.Balancing;

/// <summary>
/// A synthetic IDataView of any length that allocates nothing per row, so the benchmarks measure
/// the balancing code and not the data source: Label and Attribute (text, 4 x 4 subgroups at bias
/// rate 0.9) and a Single Feature.
/// </summary>
internal sealed class SubgroupRowsDataView : IDataView
{
    private static readonly ReadOnlyMemory<char>[] Labels = { "T-shirt".AsMemory(), "Trouser".AsMemory(), "Sneaker".AsMemory(), "Bag".AsMemory() };
    private static readonly ReadOnlyMemory<char>[] Attributes = { "red".AsMemory(), "green".AsMemory(), "blue".AsMemory(), "grey".AsMemory() };
    private readonly long _rows;

    public SubgroupRowsDataView(long rows)
    {
        _rows = rows;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", TextDataViewType.Instance);
        builder.AddColumn("Attribute", TextDataViewType.Instance);
        builder.AddColumn("Feature", NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { GetRowCursor(columnsNeeded) };

    private static int LabelOf(long row) => (int)(row % 4);

    // 90% of a class sits on its own colour; the rest spreads over the other three.
    private static int AttributeOf(long row)
    {
        int label = LabelOf(row);
        long k = row / 4 % 30;
        return k < 27 ? label : (label + 1 + (int)(k - 27)) % 4;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SubgroupRowsDataView _parent;
        private long _position = -1;

        public Cursor(SubgroupRowsDataView parent) => _parent = parent;

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext() => ++_position < _parent._rows;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            Delegate getter = column.Index switch
            {
                0 => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = Labels[LabelOf(_position)]),
                1 => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = Attributes[AttributeOf(_position)]),
                _ => (ValueGetter<float>)((ref float v) => v = _position),
            };
            return (ValueGetter<TValue>)getter;
        }
    }
}
