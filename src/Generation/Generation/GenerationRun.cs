// Over 250 lines: one run's workers, retries, failures and log share the run's synchronized state.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Threading.Channels;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Ffr.MLNet.Generation;

/// <summary>
/// One run of <see cref="ImageGenerator"/>: the shared queue, one set of workers per endpoint, the
/// log, and at the end the manifest and the summary.
/// </summary>
/// <remarks>
/// An image leaves the queue when it is made or given up; a failed try puts it back at the end of
/// the queue for any endpoint; an open circuit or a rejected endpoint puts it back without counting
/// a try. The queue is completed when no image is outstanding, which ends every worker. Workers of an
/// endpoint whose circuit is open wait out the break; workers of an endpoint out of the run stop, and
/// images still queued when every endpoint is out are given up ("no endpoint left").
/// </remarks>
internal sealed class GenerationRun : IDisposable
{
    private readonly ImageGeneratorOptions _options;
    private readonly GenerationPlan _plan;
    private readonly string _root;
    private readonly CancellationToken _stopping;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _abort = new();
    private readonly Slot[] _slots;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>();
    private readonly ConcurrentQueue<GenerationFailure> _failures = new();
    private readonly Stopwatch _clock = new();
    private readonly object _progressGate = new();
    private GenerationLog.Writer? _log;
    private ExceptionDispatchInfo? _fatal; // the first error that stops the run, rethrown once the workers have ended
    private int _outstanding;
    private int _made;
    private int _failed;
    private int _skipped;
    private int _selected;

    public GenerationRun(ImageGeneratorOptions options, GenerationPlan plan, string root, CancellationToken stopping)
    {
        _options = options;
        _plan = plan;
        _root = root;
        _stopping = stopping;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _slots = options.Endpoints.Select(e => new Slot(e, options)).ToArray();
    }

    public async Task<GenerationSummary> ExecuteAsync()
    {
        _clock.Start();
        IReadOnlyList<GenerationItem> selected = _options.MaxImages is int max ? _plan.Items.Take(max).ToArray() : _plan.Items;
        Work[] all = selected.Select(item => new Work(item, FullPath(item))).ToArray();
        Work[] pending = all.Where(w => !File.Exists(w.FullPath)).ToArray();
        _selected = all.Length;
        _skipped = all.Length - pending.Length;
        _outstanding = pending.Length;
        foreach (Work work in pending)
        {
            _queue.Writer.TryWrite(work);
        }

        if (pending.Length == 0)
        {
            _queue.Writer.TryComplete();
        }

        _log = new GenerationLog.Writer(Path.Combine(_root, GenerationLog.FileName));
        Report();
        await Task.WhenAll(_slots.SelectMany(slot => Enumerable.Range(0, _options.ConcurrencyPerEndpoint).Select(_ => WorkAsync(slot)))).ConfigureAwait(false);
        _fatal?.Throw();

        int notStarted = 0;
        string reasons = string.Join("; ", _slots.Select(s => $"{s.Endpoint} {s.Health.Out?.State.ToString().ToLowerInvariant()}: {s.Health.Out?.Reason}"));
        while (_queue.Reader.TryRead(out Work? left))
        {
            if (_stopping.IsCancellationRequested)
            {
                notStarted++;
            }
            else
            {
                left.Errors.Add($"no endpoint left to try it ({reasons})");
                GiveUp(left, null, 0);
            }
        }

        _clock.Stop();
        return Finish(notStarted);
    }

    public void Dispose()
    {
        _log?.Dispose();
        foreach (Slot slot in _slots)
        {
            slot.Dispose();
        }

        _stop.Dispose();
        _abort.Dispose();
    }

    private string FullPath(GenerationItem item)
    {
        string full = Path.GetFullPath(Path.Combine(_root, item.FileName));
        if (!full.StartsWith(_root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The plan's file '{item.FileName}' leaves the output folder '{_root}'; plan files are relative paths under it.", nameof(item));
        }

        return full;
    }

    private async Task WorkAsync(Slot slot)
    {
        while (!_stop.IsCancellationRequested && !slot.Health.IsOut)
        {
            try
            {
                if (slot.Health.OpenFor is { } open && open > TimeSpan.Zero)
                {
                    // The circuit is open: take nothing, so the other endpoints take this one's share.
                    await Task.Delay(open, _stop.Token).ConfigureAwait(false);
                    continue;
                }

                if (!await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_queue.Reader.TryRead(out Work? work))
            {
                await TryAsync(slot, work).ConfigureAwait(false);
            }
        }
    }

    private async Task TryAsync(Slot slot, Work work)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            // In-flight images are finished even when the run is stopped: only a fatal error aborts them.
            GeneratedImage image = await slot.Client.GenerateAsync(new ImageRequest(work.Item.Prompt, work.Item.Seed), _abort.Token).ConfigureAwait(false);
            byte[] png = GeneratedImageCheck.ToPng(image.Bytes, _options.Width, _options.Height, slot.Endpoint);
            AtomicFile.WriteBytes(work.FullPath, png);
            Interlocked.Increment(ref slot.Images);
            Interlocked.Increment(ref _made);
            _log!.Append(Record(work, "made", slot.Endpoint, watch.Elapsed.TotalSeconds, image.ServerParameters));
            Done();
        }
        catch (BrokenCircuitException)
        {
            Requeue(work); // the circuit opened meanwhile: not this image's fault
        }
        catch (EndpointRejectedException ex)
        {
            slot.Health.Reject(ex.Message);
            Requeue(work);
        }
        catch (Exception ex) when (ex is GenerationTryException or HttpRequestException or TimeoutRejectedException or JsonException or FormatException
                                   or InvalidOperationException or OperationCanceledException && !_abort.IsCancellationRequested)
        {
            Interlocked.Increment(ref slot.FailedTries);
            work.Errors.Add(ex is GenerationTryException ? ex.Message : $"{slot.Endpoint}: {ex.Message}");
            if (++work.Tries >= _options.AttemptsPerImage)
            {
                GiveUp(work, slot.Endpoint, watch.Elapsed.TotalSeconds);
            }
            else
            {
                Requeue(work);
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Requeue(work); // another worker's fatal error aborted this request (a cancellation that is not ours, such as a connect timeout, is a failed try above)
        }
        catch (Exception ex)
        {
            // Writing failed (full disk, permissions) or something unforeseen: every image would fail
            // the same way, so stop the run; in-flight requests are aborted and the error rethrown.
            Interlocked.CompareExchange(ref _fatal, ExceptionDispatchInfo.Capture(ex), null);
            _stop.Cancel();
            _abort.Cancel();
            Requeue(work);
        }
    }

    private void Requeue(Work work) => _queue.Writer.TryWrite(work);

    private void GiveUp(Work work, Uri? endpoint, double seconds)
    {
        Interlocked.Increment(ref _failed);
        _failures.Enqueue(new GenerationFailure(work.Item.FileName, work.Errors.ToArray()));
        _log!.Append(Record(work, "failed", endpoint, seconds, new Dictionary<string, string>()));
        Done();
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _queue.Writer.TryComplete();
        }

        Report();
    }

    private GenerationLogRecord Record(Work work, string status, Uri? endpoint, double seconds, IReadOnlyDictionary<string, string> server) =>
        new(DateTimeOffset.UtcNow, work.Item.FileName, work.Item.Label, work.Item.Attribute, work.Item.Seed, status, endpoint?.ToString(),
            Math.Round(seconds, 3), work.Tries + (status == "made" ? 1 : 0), server, work.Errors.Count > 0 ? work.Errors.ToArray() : null);

    private void Report()
    {
        if (_options.Progress is not { } progress)
        {
            return;
        }

        lock (_progressGate)
        {
            int made = Volatile.Read(ref _made), failed = Volatile.Read(ref _failed);
            TimeSpan elapsed = _clock.Elapsed;
            double perMinute = PerMinute(made);
            int left = _selected - _skipped - made - failed;
            TimeSpan? remaining = made > 0 ? TimeSpan.FromMinutes(left / perMinute) : null;
            progress.Report(new GenerationProgress(_skipped + made + failed, _selected, made, _skipped, failed, elapsed, perMinute, remaining));
        }
    }

    private double PerMinute(int images) => _clock.Elapsed.TotalMinutes > 0 ? images / _clock.Elapsed.TotalMinutes : 0;

    private GenerationSummary Finish(int notStarted)
    {
        ImageManifest? manifest = null;
        string? manifestPath = null;
        try
        {
            manifest = GenerationPlan.IngestFolder(_root, new ManifestLoadOptions { SkipInvalidRows = true, FilterGrayscale = true });
        }
        catch (InvalidDataException)
        {
            // The folder holds no image yet (every image failed); with SkipInvalidRows this is the only
            // InvalidDataException IngestFolder throws. No manifest then.
        }

        if (manifest is not null)
        {
            manifestPath = Path.Combine(_root, ImageGenerator.ManifestFileName);
            manifest.Save(manifestPath);
        }

        var valid = (manifest?.Rows ?? Array.Empty<ImageRow>()).Select(r => Path.GetRelativePath(_root, r.ImagePath).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        SubgroupGeneration[] subgroups = _plan.Items
            .GroupBy(i => (i.Label, i.Attribute))
            .Select(g => new SubgroupGeneration(g.Key.Label, g.Key.Attribute, g.Count(), g.Count(i => valid.Contains(i.FileName))))
            .ToArray();
        var summary = new GenerationSummary
        {
            Planned = _plan.Items.Count,
            Selected = _selected,
            Made = _made,
            Skipped = _skipped,
            Failed = _failed,
            NotStarted = notStarted,
            LeftOut = manifest?.Skipped.Count ?? 0,
            Stopped = _stopping.IsCancellationRequested,
            Seconds = Math.Round(_clock.Elapsed.TotalSeconds, 3),
            ImagesPerMinute = Math.Round(PerMinute(_made), 2),
            Subgroups = subgroups,
            Endpoints = _slots.Select(s => new EndpointGeneration(s.Endpoint.ToString(), s.Images, s.Health.Retries, s.FailedTries, Math.Round(PerMinute(s.Images), 2),
                s.Health.Out?.State ?? EndpointState.Live, s.Health.Out?.Reason)).ToArray(),
            Failures = _failures.OrderBy(f => f.File, StringComparer.Ordinal).ToArray(),
            LeftOutImages = manifest?.Skipped.Select(i => i.Message).ToArray() ?? Array.Empty<string>(),
            ManifestPath = manifestPath,
        };
        AtomicFile.WriteText(Path.Combine(_root, GenerationSummary.FileName), summary.ToJson());
        return summary;
    }

    /// <summary>One image in the queue: its plan item, its full path, and its failed tries so far.</summary>
    private sealed class Work
    {
        public Work(GenerationItem item, string fullPath)
        {
            Item = item;
            FullPath = fullPath;
        }

        public GenerationItem Item { get; }

        public string FullPath { get; }

        public int Tries { get; set; }

        public List<string> Errors { get; } = new();
    }

    /// <summary>One endpoint in the run: its connection, its API client, its health and its counts.</summary>
    private sealed class Slot : IDisposable
    {
        public int Images;
        public int FailedTries;

        public Slot(Uri endpoint, ImageGeneratorOptions options)
        {
            Endpoint = endpoint;
            Health = new EndpointHealth(options.DeadAfterBreaks);
            Connection = new EndpointConnection(endpoint, options.Api, Health, options);
            Client = options.Api switch
            {
                TextToImageApi.Automatic1111 => new Automatic1111Client(Connection, options),
                TextToImageApi.ComfyUi => new ComfyUiClient(Connection, options, options.Workflow!),
                _ => new OpenAiImagesClient(Connection, options),
            };
        }

        public Uri Endpoint { get; }

        public EndpointHealth Health { get; }

        public EndpointConnection Connection { get; }

        public ITextToImageClient Client { get; }

        public void Dispose() => Connection.Dispose();
    }

}
