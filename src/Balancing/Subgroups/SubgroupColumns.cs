using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Subgroups;

/// <summary>
/// Checks a label or attribute column and turns it into text with ML.NET's own (saveable)
/// transformers, so that every consumer (report, resampling, weights, persisted pipelines) sees the
/// same subgroup values. Accepted: Text, Key with key values, Boolean and integer scalars.
/// </summary>
internal static class SubgroupColumns
{
    internal const string Expected = "Key, Text, Boolean or integer";

    /// <summary>The annotation naming a key column's values (ML.NET keeps its constant internal).</summary>
    internal const string KeyValues = "KeyValues";

    /// <summary>Throws ML.NET-worded errors when the column is absent or of another type.</summary>
    public static void Check(DataViewSchema schema, string role, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        DataViewSchema.Column? column = schema.GetColumnOrNull(name);
        if (column is null)
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find {role} column '{name}'");
        }

        DataViewType type = column.Value.Type;
        if (type is KeyDataViewType)
        {
            if (column.Value.Annotations.Schema.GetColumnOrNull(KeyValues) is null)
            {
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Key column '{name}' ({role}) has no key values, so its subgroups cannot be named. Build it with MapValueToKey from its original values, or pass the original Text, Boolean or integer column.");
            }

            return;
        }

        if (!IsSupportedScalar(type))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for {role} column '{name}': expected {Expected}, got {type}");
        }
    }

    /// <summary>The same checks on an estimator's input shape.</summary>
    public static void Check(SchemaShape shape, string role, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!TryFind(shape, name, out SchemaShape.Column column))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"Could not find {role} column '{name}'");
        }

        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || !(column.IsKey || IsSupportedScalar(column.ItemType)))
        {
            string? got = column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType.ToString() : $"Vector<{column.ItemType}>";
            throw new ArgumentOutOfRangeException(nameof(shape), $"Schema mismatch for {role} column '{name}': expected {Expected}, got {got}");
        }

        if (column.IsKey && !TryFind(column.Annotations, KeyValues, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"Key column '{name}' ({role}) has no key values, so its subgroups cannot be named. Build it with MapValueToKey from its original values, or pass the original Text, Boolean or integer column.");
        }
    }

    /// <summary>
    /// An estimator writing the text form of <paramref name="name"/> into <paramref name="textColumn"/>
    /// (plus the temporary columns it lists), or null when the column is text already.
    /// </summary>
    public static IEstimator<ITransformer>? ToText(TransformsCatalog transforms, DataViewType type, string name, string textColumn, List<string> temporaries)
    {
        if (type is TextDataViewType)
        {
            return null;
        }

        if (type is KeyDataViewType)
        {
            string values = textColumn + ".KeyValue";
            temporaries.Add(values);
            temporaries.Add(textColumn);
            return transforms.Conversion.MapKeyToValue(values, name)
                .Append(transforms.Conversion.ConvertType(textColumn, values, DataKind.String));
        }

        temporaries.Add(textColumn);
        return transforms.Conversion.ConvertType(textColumn, name, DataKind.String);
    }

    /// <summary>Finds a column of an estimator's input shape by name.</summary>
    internal static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (SchemaShape.Column candidate in shape)
        {
            if (candidate.Name == name)
            {
                column = candidate;
                return true;
            }
        }

        column = default;
        return false;
    }

    private static bool IsSupportedScalar(DataViewType type) =>
        type is TextDataViewType || type is BooleanDataViewType ||
        type.RawType == typeof(sbyte) || type.RawType == typeof(byte) || type.RawType == typeof(short) ||
        type.RawType == typeof(ushort) || type.RawType == typeof(int) || type.RawType == typeof(uint) ||
        type.RawType == typeof(long) || type.RawType == typeof(ulong);
}
