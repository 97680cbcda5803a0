using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ffr.MLNet.Generation;

/// <summary>One subgroup of the plan against what the output folder holds.</summary>
/// <param name="Label">The label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="Planned">Images the whole plan asks for in the subgroup (its synthetic budget).</param>
/// <param name="Valid">Planned images present and valid in the output folder's manifest.</param>
public sealed record SubgroupGeneration(string Label, string Attribute, int Planned, int Valid)
{
    /// <summary>The shortfall against the budget: what training with the pool would find missing.</summary>
    public int Missing => Planned - Valid;
}

/// <summary>Whether an endpoint stayed in the run.</summary>
public enum EndpointState
{
    /// <summary>It served until the end of the run.</summary>
    Live,

    /// <summary>Its circuit opened <see cref="ImageGeneratorOptions.DeadAfterBreaks"/> times in a row: it was given up and the others took its share.</summary>
    Dead,

    /// <summary>It cannot serve the run: 404 for the API's path (it does not speak the API), or a refused key.</summary>
    Rejected,
}

/// <summary>What one endpoint did in the run.</summary>
/// <param name="Endpoint">The endpoint's URL.</param>
/// <param name="Images">Images it made.</param>
/// <param name="Retries">Requests to it retried after a timeout, a connection error, 408, 429 or a 5xx answer.</param>
/// <param name="FailedTries">Tries that failed on it once retries were spent or the answer was no valid image (each image is tried again, on any endpoint, up to the attempts allowed).</param>
/// <param name="ImagesPerMinute">Images it made per minute of the run.</param>
/// <param name="State">Whether it stayed in the run.</param>
/// <param name="Reason">Why it left the run; null when it stayed.</param>
public sealed record EndpointGeneration(string Endpoint, int Images, int Retries, int FailedTries, double ImagesPerMinute, EndpointState State, string? Reason);

/// <summary>An image given up in the run.</summary>
/// <param name="File">The plan's file.</param>
/// <param name="Errors">Why each try failed.</param>
public sealed record GenerationFailure(string File, IReadOnlyList<string> Errors);

/// <summary>
/// The outcome of a generation run, also written as <c>generation-summary.json</c> in the output
/// folder: images made, skipped (already there), failed and left out of the manifest (grayscale or
/// unreadable), per subgroup against the plan's budget, and per endpoint with its rate.
/// </summary>
public sealed record GenerationSummary
{
    /// <summary>The summary's file name in the output folder.</summary>
    public const string FileName = "generation-summary.json";

    /// <summary>Images of the whole plan.</summary>
    public required int Planned { get; init; }

    /// <summary>Images this run covered: the plan, or its first <see cref="ImageGeneratorOptions.MaxImages"/>.</summary>
    public required int Selected { get; init; }

    /// <summary>Images made this run.</summary>
    public required int Made { get; init; }

    /// <summary>Images already in the output folder when the run started (a rerun resumes).</summary>
    public required int Skipped { get; init; }

    /// <summary>Images given up this run; rerunning tries them again.</summary>
    public required int Failed { get; init; }

    /// <summary>Images not started because the run was stopped.</summary>
    public required int NotStarted { get; init; }

    /// <summary>Images in the folder that the manifest leaves out (grayscale among colour images, unreadable).</summary>
    public required int LeftOut { get; init; }

    /// <summary>True when the run was stopped (cancelled) before the end; images in flight were finished.</summary>
    public required bool Stopped { get; init; }

    /// <summary>The run's length in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Images made per minute, over every endpoint.</summary>
    public required double ImagesPerMinute { get; init; }

    /// <summary>Every subgroup of the plan against the folder's valid images.</summary>
    public required IReadOnlyList<SubgroupGeneration> Subgroups { get; init; }

    /// <summary>Every endpoint, in the order given.</summary>
    public required IReadOnlyList<EndpointGeneration> Endpoints { get; init; }

    /// <summary>Images given up, with the reasons.</summary>
    public required IReadOnlyList<GenerationFailure> Failures { get; init; }

    /// <summary>Why each left-out image was left out.</summary>
    public required IReadOnlyList<string> LeftOutImages { get; init; }

    /// <summary>The manifest of the folder's valid images (Source synthetic, Split train); null when the folder holds no image.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>The shortfall against the plan's budget, over every subgroup.</summary>
    public int Missing => Subgroups.Sum(s => s.Missing);

    /// <summary>The summary as indented JSON (camelCase), as written to <see cref="FileName"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(GenerationLog.Json) { WriteIndented = true });

    /// <summary>The summary as text tables: totals, endpoints, subgroups, failures and left-out images.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Made {Made}, skipped {Skipped} (already there), failed {Failed}{(NotStarted > 0 ? $", not started {NotStarted} (stopped)" : string.Empty)} of {Selected} images ({Planned} planned); {Seconds:0.0} s, {ImagesPerMinute:0.0} images/min."));
        sb.AppendLine();
        sb.AppendLine(TextTable.Format(
            new[] { "Endpoint", "Images", "Retries", "Failed tries", "Images/min", "State" },
            Endpoints.Select(e => new[] { e.Endpoint, N(e.Images), N(e.Retries), N(e.FailedTries), e.ImagesPerMinute.ToString("0.0", CultureInfo.InvariantCulture), e.Reason is null ? "live" : $"{e.State.ToString().ToLowerInvariant()}: {e.Reason}" }),
            new[] { 1, 2, 3, 4 }));
        sb.AppendLine();
        sb.AppendLine(TextTable.Format(
            new[] { "Label", "Attribute", "Planned", "Valid", "Missing" },
            Subgroups.Select(s => new[] { s.Label, s.Attribute, N(s.Planned), N(s.Valid), N(s.Missing) }),
            new[] { 2, 3, 4 }));
        if (Failures.Count > 0)
        {
            sb.AppendLine().AppendLine($"Failed ({Failures.Count}; rerun the same command to try them again):");
            foreach (GenerationFailure failure in Failures.Take(10))
            {
                sb.AppendLine($"  {failure.File}: {failure.Errors.LastOrDefault()}");
            }

            if (Failures.Count > 10)
            {
                sb.AppendLine($"  ... and {Failures.Count - 10} more (see {GenerationLog.FileName}).");
            }
        }

        if (LeftOutImages.Count > 0)
        {
            sb.AppendLine().AppendLine($"Left out of the manifest ({LeftOutImages.Count}):");
            foreach (string message in LeftOutImages.Take(10))
            {
                sb.AppendLine("  " + message);
            }

            if (LeftOutImages.Count > 10)
            {
                sb.AppendLine($"  ... and {LeftOutImages.Count - 10} more.");
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
