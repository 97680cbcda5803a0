using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Trainers.Tests.Training;

[Collection(BenchmarkDataCollection.Name)]
public sealed class FfrTrainerBadInputTests
{
    private readonly BenchmarkData _data;
    private readonly MLContext _ml = new(seed: 0);

    public FfrTrainerBadInputTests(BenchmarkData data) => _data = data;

    private static FfrTrainerOptions Quick(SyntheticStrategy strategy = SyntheticStrategy.Ffr) => BenchmarkData.Quick(strategy);

    private IDataView Keyed(IEnumerable<ImageRow> rows, ITransformer key) => key.Transform(ImageManifest.FromRows(rows).ToDataView());

    [Theory]
    [InlineData(SyntheticStrategy.Ffr)]
    [InlineData(SyntheticStrategy.Usb)]
    [InlineData(SyntheticStrategy.Asb)]
    public void Ffr_WithoutPool_SaysThePoolIsNeeded(SyntheticStrategy strategy)
    {
        var (_, validation, _, _, _) = _data.Views(_ml);
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Ffr(null, validation, Quick(strategy)));
        Assert.StartsWith($"Strategy {strategy} needs a synthetic pool, and none was given. Pass the synthetic images, or use strategy None.", ex.Message);
    }

    [Fact]
    public void Fit_PoolWithAnAttributeTheRealDataLacks_NamesIt()
    {
        var (train, validation, _, _, key) = _data.Views(_ml);
        ImageRow[] pool = _data.Manifest.Select(DataSplit.Train, SampleSource.Synthetic).Select((r, i) => i == 0 ? r with { Attribute = "purple" } : r).ToArray();
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Ffr(Keyed(pool, key), validation, Quick()).Fit(train));
        Assert.Contains("attribute value(s) 'purple' in column 'Attribute' that the real data does not have", ex.Message);
    }

    [Fact]
    public void Fit_PoolWithALabelTheRealDataLacks_SaysSo()
    {
        var (train, validation, _, _, key) = _data.Views(_ml);
        ImageRow[] pool = _data.Manifest.Select(DataSplit.Train, SampleSource.Synthetic).Select((r, i) => i == 3 ? r with { Label = "hat" } : r).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => _ml.MulticlassClassification.Trainers.Ffr(Keyed(pool, key), validation, Quick()).Fit(train));
        Assert.StartsWith("Row 3 of the synthetic pool has a missing label in column 'Label', or one the training data does not have", ex.Message);
    }

    [Fact]
    public void Fit_ValidationLackingASubgroup_ListsIt()
    {
        var (train, _, _, pool, key) = _data.Views(_ml);
        IDataView validation = Keyed(_data.Manifest.Select(DataSplit.Val).Where(r => !(r.Label == "bag" && r.Attribute == "green")), key);
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick()).Fit(train));
        Assert.StartsWith("The validation data lacks 1 subgroup(s): bag|green. Model selection by worst-group accuracy needs every subgroup", ex.Message);
    }

    [Fact]
    public void Fit_NoAttributeColumn_SaysWhyItIsNeeded()
    {
        var (train, validation, _, pool, _) = _data.Views(_ml);
        IDataView noAttribute = _ml.Transforms.DropColumns("Attribute").Fit(train).Transform(train);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick()).Fit(noAttribute));
        Assert.StartsWith("Could not find attribute column 'Attribute' in the training data: subgroups (label x attribute) drive model selection", ex.Message);
    }

    [Fact]
    public void Fit_TextLabel_AsksForAKey()
    {
        IDataView train = _data.Manifest.ToDataView(DataSplit.Train, SampleSource.Real);
        var (_, validation, _, pool, _) = _data.Views(_ml);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick()).Fit(train));
        Assert.StartsWith("Schema mismatch for label column 'Label' in the training data: expected Key, got String. Map it with mlContext.Transforms.Conversion.MapValueToKey(\"Label\").", ex.Message);
    }

    [Fact]
    public void Fit_SingleClass_Throws()
    {
        ImageRow[] oneClass = _data.Manifest.Select(DataSplit.Train, SampleSource.Real).Where(r => r.Label == "bag").ToArray();
        IDataView train = ImageManifest.FromRows(oneClass).ToDataView();
        ITransformer key = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        IDataView validation = Keyed(_data.Manifest.Select(DataSplit.Val).Where(r => r.Label == "bag"), key);
        var ex = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Ffr(null, validation, Quick(SyntheticStrategy.None)).Fit(key.Transform(train)));
        Assert.StartsWith("Label column 'Label' has a single class ('bag'); a classifier needs at least two classes.", ex.Message);
    }

    [Fact]
    public void Fit_InconsistentImageSizesWithoutResize_NamesTheImage()
    {
        string odd = Path.Combine(_data.Folder, "odd.png");
        new Ffr.MLNet.Images.RgbImage(40, 40).SavePng(odd);
        ImageRow[] rows = _data.Manifest.Select(DataSplit.Train, SampleSource.Real).Select((r, i) => i == 5 ? r with { ImagePath = odd } : r).ToArray();
        var (_, validation, _, _, key) = _data.Views(_ml);
        FfrTrainerOptions options = Quick(SyntheticStrategy.None);
        options.ImageSize = null;
        var ex = Assert.Throws<InvalidDataException>(() => _ml.MulticlassClassification.Trainers.Ffr(null, validation, options).Fit(Keyed(rows, key)));
        Assert.Equal($"Image '{odd}' is 40x40 but the first image is 32x32. Set ImageSize to resize every image to one size.", ex.Message);
    }

    [Fact]
    public void Options_OutOfRange_NameTheOption()
    {
        var (_, validation, _, pool, _) = _data.Views(_ml);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Ffr(pool, validation, new FfrTrainerOptions { Training = new PhaseOptions { Epochs = 0 } }));
        Assert.StartsWith("Training: Epochs must be at least 1.", ex.Message);
    }

    [Fact]
    public void Options_Defaults_SuitASmallCpu()
    {
        var o = new FfrTrainerOptions();
        Assert.Equal((SyntheticStrategy.Ffr, TrainingMethod.Erm, Ffr.MLNet.Networks.NetworkArchitecture.SmallCnn, (int?)32), (o.Strategy, o.Method, o.Architecture, o.ImageSize));
        Assert.Equal((4, 1e-3, 1e-5, 64), (o.Pretraining.Epochs, o.Pretraining.LearningRate, o.Pretraining.WeightDecay, o.Pretraining.BatchSize));
        Assert.Equal((2, 3e-5), (o.FineTuning.Epochs, o.FineTuning.LearningRate));
        Assert.Equal((4, 1e-3), (o.Training.Epochs, o.Training.LearningRate));
        Assert.Equal(("Label", "Attribute", "ImagePath"), (o.LabelColumnName, o.AttributeColumnName, o.ImageColumnName));
        Assert.Equal(0.01, o.GroupDroStepSize);
    }
}
