using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Training;

/// <summary>
/// Class and group indices of Fit's rows: class i is the label's key i + 1, a group is (label x attribute), the attributes
/// being those of the real training and validation rows in ordinal order.
/// </summary>
internal sealed class GroupIndex
{
    private readonly string[] _labels;
    private readonly string[] _attributes;
    private readonly Dictionary<string, int> _labelIndex;
    private readonly Dictionary<string, int> _attributeIndex;

    public GroupIndex(TrainingSets sets)
    {
        _labels = sets.Labels;
        _attributes = sets.Real.Concat(sets.Validation).Select(r => r.Row.Attribute).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        _labelIndex = _labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        _attributeIndex = _attributes.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>Labels x attributes.</summary>
    public int GroupCount => _labels.Length * _attributes.Length;

    /// <summary>
    /// A phase's rows with their classes and groups; <paramref name="bySource"/> splits every group into its real and its
    /// synthetic rows (as USB and ASB train GroupDRO and Resample on the mix).
    /// </summary>
    public TrainingData Data(IReadOnlyList<ImageRow> rows, bool bySource)
    {
        int[] y = rows.Select(r => _labelIndex[r.Label]).ToArray();
        int[] g = rows.Select((r, i) => (y[i] * _attributes.Length + _attributeIndex[r.Attribute]) * (bySource ? 2 : 1) + (bySource && r.Source == SampleSource.Synthetic ? 1 : 0)).ToArray();
        return new TrainingData(rows, y, g, GroupCount * (bySource ? 2 : 1));
    }

    /// <summary>The (label x attribute) group of each validation row.</summary>
    public int[] Groups(IReadOnlyList<LabelledImage> rows) => rows.Select(v => v.Label * _attributes.Length + _attributeIndex[v.Row.Attribute]).ToArray();

    /// <summary>Fails, naming them, when subgroups have no validation rows: model selection by worst-group accuracy needs every one.</summary>
    public void CheckValidationCoversEverySubgroup(IReadOnlyList<LabelledImage> validation)
    {
        var present = validation.Select(v => (v.Row.Label, v.Row.Attribute)).ToHashSet();
        string[] missing = _labels.SelectMany(l => _attributes.Select(a => (l, a))).Where(p => !present.Contains(p)).Select(p => $"{p.l}|{p.a}").ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException(
                $"The validation data lacks {missing.Length} subgroup(s): {string.Join(", ", missing)}. Model selection by worst-group accuracy needs every subgroup (label x attribute) in the validation set; add a few images of each.");
        }
    }
}
