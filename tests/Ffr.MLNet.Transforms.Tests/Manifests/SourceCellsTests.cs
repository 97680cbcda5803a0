using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Transforms.Tests.Manifests;

public sealed class SourceCellsTests
{
    private sealed class TextRow
    {
        public string Source { get; set; } = string.Empty;
    }

    private sealed class NumberRow
    {
        public float Source { get; set; }
    }

    private readonly MLContext _ml = new(seed: 0);

    [Fact]
    public void Read_EmptyTakesTheDefault_AnyCaseTrimmed_UnknownNamesTheRow()
    {
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { "real", "", " Synthetic ", "fake" }.Select(s => new TextRow { Source = s }));
        DataViewSchema.Column? column = SourceCells.Column(data.Schema);
        Assert.NotNull(column);
        using DataViewRowCursor cursor = data.GetRowCursor(new[] { column.Value });
        var cells = new SourceCells(cursor, column, SampleSource.Synthetic);
        var read = new List<SampleSource>();
        for (int i = 0; i < 3 && cursor.MoveNext(); i++)
        {
            read.Add(cells.Read(cursor, "pool"));
        }

        Assert.Equal(new[] { SampleSource.Real, SampleSource.Synthetic, SampleSource.Synthetic }, read);
        Assert.True(cursor.MoveNext());
        var ex = Assert.Throws<InvalidDataException>(() => cells.Read(cursor, "pool"));
        Assert.Equal("Row 3 of the pool has Source 'fake'; use real or synthetic.", ex.Message);
    }

    [Fact]
    public void Column_AbsentOrNotText_IsNone_AndEveryRowTakesTheDefault()
    {
        IDataView numbers = _ml.Data.LoadFromEnumerable(new[] { new NumberRow { Source = 1 } });
        Assert.Null(SourceCells.Column(numbers.Schema));
        using DataViewRowCursor cursor = numbers.GetRowCursor(numbers.Schema);
        var cells = new SourceCells(cursor, null, SampleSource.Real);
        Assert.True(cursor.MoveNext());
        Assert.Equal(SampleSource.Real, cells.Read(cursor, "data"));
    }
}
