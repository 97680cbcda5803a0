namespace Ffr.MLNet.Generation;

/// <summary>Where a generation run stands, reported after every image.</summary>
/// <param name="Done">Images finished this run (made or failed) plus those skipped because they were already there.</param>
/// <param name="Total">Images of the plan (or of its prefix) this run covers.</param>
/// <param name="Made">Images made this run.</param>
/// <param name="Skipped">Images already there when the run started (resume).</param>
/// <param name="Failed">Images given up this run.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="ImagesPerMinute">Images made per minute so far, over every endpoint.</param>
/// <param name="Remaining">Time left at the rate so far; null until an image is made.</param>
public sealed record GenerationProgress(int Done, int Total, int Made, int Skipped, int Failed, TimeSpan Elapsed, double ImagesPerMinute, TimeSpan? Remaining);
