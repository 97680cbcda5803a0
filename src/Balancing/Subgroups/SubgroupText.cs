using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Subgroups;

/// <summary>
/// The label and attribute columns as text, produced by ML.NET's saveable transformers: what the
/// report, the resampler and the weighting estimator all read, so they agree on subgroup names.
/// </summary>
internal sealed class SubgroupText
{
    private const string Prefix = "__Ffr.Subgroup.";

    private SubgroupText(string labelColumn, string attributeColumn, string labelText, string attributeText, IEstimator<ITransformer>? estimator, IReadOnlyList<string> temporaries)
    {
        LabelColumn = labelColumn;
        AttributeColumn = attributeColumn;
        LabelText = labelText;
        AttributeText = attributeText;
        Estimator = estimator;
        Temporaries = temporaries;
    }

    /// <summary>The user's label column.</summary>
    public string LabelColumn { get; }

    /// <summary>The user's attribute column.</summary>
    public string AttributeColumn { get; }

    /// <summary>The column holding the label as text.</summary>
    public string LabelText { get; }

    /// <summary>The column holding the attribute as text.</summary>
    public string AttributeText { get; }

    /// <summary>The conversions, or null when both columns are text already.</summary>
    public IEstimator<ITransformer>? Estimator { get; }

    /// <summary>Columns the conversions add, to drop afterwards.</summary>
    public IReadOnlyList<string> Temporaries { get; }

    /// <summary>Checks both columns and builds the conversions.</summary>
    public static SubgroupText Create(TransformsCatalog transforms, DataViewSchema schema, string labelColumnName, string attributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(schema);
        SubgroupColumns.Check(schema, "label", labelColumnName);
        SubgroupColumns.Check(schema, "attribute", attributeColumnName);
        return Build(transforms, name => schema[name].Type, labelColumnName, attributeColumnName);
    }

    /// <summary>
    /// The same conversions for an estimator's input shape (what GetOutputSchema composes); a key
    /// column stands for any key type, since the conversion depends only on it being a key.
    /// </summary>
    public static SubgroupText Create(TransformsCatalog transforms, SchemaShape shape, string labelColumnName, string attributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(shape);
        SubgroupColumns.Check(shape, "label", labelColumnName);
        SubgroupColumns.Check(shape, "attribute", attributeColumnName);
        DataViewType TypeOf(string name)
        {
            SubgroupColumns.TryFind(shape, name, out SchemaShape.Column column);
            return column.IsKey ? new KeyDataViewType(typeof(uint), 1) : column.ItemType;
        }

        return Build(transforms, TypeOf, labelColumnName, attributeColumnName);
    }

    private static SubgroupText Build(TransformsCatalog transforms, Func<string, DataViewType> typeOf, string labelColumnName, string attributeColumnName)
    {
        var temporaries = new List<string>();
        string labelText = Prefix + "Label";
        string attributeText = Prefix + "Attribute";
        IEstimator<ITransformer>? label = SubgroupColumns.ToText(transforms, typeOf(labelColumnName), labelColumnName, labelText, temporaries);
        IEstimator<ITransformer>? attribute = SubgroupColumns.ToText(transforms, typeOf(attributeColumnName), attributeColumnName, attributeText, temporaries);

        IEstimator<ITransformer>? estimator = (label, attribute) switch
        {
            (null, null) => null,
            (not null, null) => label,
            (null, not null) => attribute,
            _ => label!.Append(attribute!),
        };
        return new SubgroupText(
            labelColumnName,
            attributeColumnName,
            label is null ? labelColumnName : labelText,
            attribute is null ? attributeColumnName : attributeText,
            estimator,
            temporaries);
    }

    /// <summary>
    /// Transforms for the data operations, which get a <see cref="DataOperationsCatalog"/> and so no
    /// <see cref="TransformsCatalog"/>: the text conversions are deterministic and fit nothing, so a
    /// private context builds them; randomness still comes from the caller's context (<see cref="ContextSeed"/>).
    /// </summary>
    public static TransformsCatalog ConversionsFor(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MLContext(seed: 0).Transforms;
    }

    /// <summary>The data with the text columns added (lazily; nothing is read).</summary>
    public IDataView Apply(IDataView data) => Estimator is null ? data : Estimator.Fit(data).Transform(data);
}
