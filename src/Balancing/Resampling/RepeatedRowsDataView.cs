using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Resampling;

/// <summary>
/// Streams a source view, yielding source row i <c>repeats[i]</c> times in a row (0 skips it).
/// Holds one int per source row; no row data. Values come straight from the source cursor.
/// Rows keep the source order; shuffle with <c>mlContext.Data.ShuffleRows</c> when order matters.
/// </summary>
internal sealed class RepeatedRowsDataView : IDataView
{
    private readonly IDataView _source;
    private readonly int[] _repeats;
    private readonly long _rowCount;

    public RepeatedRowsDataView(IDataView source, int[] repeats)
    {
        _source = source;
        _repeats = repeats;
        long total = 0;
        foreach (int r in repeats)
        {
            total += r;
        }

        _rowCount = total;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _source.Schema;

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, _source.GetRowCursor(columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly RepeatedRowsDataView _parent;
        private readonly DataViewRowCursor _input;
        private long _sourceRow = -1;
        private int _left;
        private int _copy;
        private long _position = -1;

        public Cursor(RepeatedRowsDataView parent, DataViewRowCursor input)
        {
            _parent = parent;
            _input = input;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _input.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter()
        {
            ValueGetter<DataViewRowId> inner = _input.GetIdGetter();
            return (ref DataViewRowId value) =>
            {
                DataViewRowId id = default;
                inner(ref id);
                value = _copy == 0 ? id : id.Combine(new DataViewRowId((ulong)_copy, 0));
            };
        }

        public override bool MoveNext()
        {
            if (_left > 0)
            {
                _left--;
                _copy++;
                _position++;
                return true;
            }

            while (_input.MoveNext())
            {
                _sourceRow++;
                int repeats = _parent._repeats[_sourceRow];
                if (repeats > 0)
                {
                    _left = repeats - 1;
                    _copy = 0;
                    _position++;
                    return true;
                }
            }

            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
