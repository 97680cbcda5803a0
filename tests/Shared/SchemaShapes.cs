using System.Reflection;
using Microsoft.ML;

namespace Ffr.MLNet.Tests;

/// <summary>
/// ML.NET keeps <c>SchemaShape.Create(DataViewSchema)</c> internal (its pipelines call it before
/// every Fit). Tests call it to compare an estimator's promised shape with its transformer's schema.
/// </summary>
internal static class SchemaShapes
{
    private static readonly MethodInfo Create = typeof(SchemaShape).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(DataViewSchema) })
        ?? throw new InvalidOperationException("SchemaShape.Create(DataViewSchema) is gone from this ML.NET version.");

    public static SchemaShape From(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, new object[] { schema })!;
}
