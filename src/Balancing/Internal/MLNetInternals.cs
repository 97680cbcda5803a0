using System.Reflection;
using Microsoft.ML.Runtime;

namespace Ffr.MLNet;

/// <summary>What an ML.NET catalog knows of its MLContext: the host environment and its settings.</summary>
/// <param name="Environment">The host environment: channels opened on it reach <c>MLContext.Log</c>.</param>
/// <param name="Seed">The MLContext's seed, or null.</param>
/// <param name="GpuDeviceId">MLContext.GpuDeviceId.</param>
/// <param name="FallbackToCpu">MLContext.FallbackToCpu.</param>
/// <param name="TempFilePath">MLContext.TempFilePath: where ML.NET's transformers keep temporary files (OnnxTransformer its network).</param>
internal sealed record MLContextSettings(IHostEnvironment Environment, int? Seed, int? GpuDeviceId, bool FallbackToCpu, string? TempFilePath = null);

/// <summary>
/// The one place that reaches into ML.NET internals. A catalog extension method gets a catalog,
/// not the MLContext, and ML.NET keeps the catalog's environment (<c>IInternalCatalog.Environment</c>)
/// and the context's seed and GPU settings (<c>IHostEnvironmentInternal</c>) internal. Read by
/// reflection here, checked by tests, failing with a clear message if ML.NET changes them.
/// </summary>
internal static class MLNetInternals
{
    public static MLContextSettings Settings(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Type? internalCatalog = catalog.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == "Microsoft.ML.Data.IInternalCatalog");
        object? environment = internalCatalog?.GetProperty("Environment")?.GetValue(catalog);
        if (environment is not IHostEnvironment host)
        {
            throw Unsupported($"{catalog.GetType().Name} has no IInternalCatalog.Environment");
        }

        Type? settings = host.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == "Microsoft.ML.Runtime.IHostEnvironmentInternal");
        if (settings is null)
        {
            throw Unsupported($"{host.GetType().Name} does not implement IHostEnvironmentInternal");
        }

        T Read<T>(string name) => settings.GetProperty(name) is PropertyInfo property && property.GetValue(host) is T value
            ? value
            : default!;

        return new MLContextSettings(host, Read<int?>("Seed"), Read<int?>("GpuDeviceId"), Read<bool>("FallbackToCpu"), Read<string?>("TempFilePath"));
    }

    private static InvalidOperationException Unsupported(string what) => new(
        $"This ML.NET ({typeof(IHostEnvironment).Assembly.GetName().Version}) is not the one Ffr.MLNet was built for (5.0): {what}. Use the Microsoft.ML version pinned in Ffr.MLNet's packages.");
}
