using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Ffr.MLNet.Generation;

/// <summary>
/// The one place where an endpoint's resilience pipeline is built from <see cref="ImageGeneratorOptions"/>
/// (as Polly builds every strategy from its options in one place). Outermost first:
/// <list type="number">
/// <item>retry: timeouts, connection errors, 408, 429 and 5xx answers, exponential backoff with
/// jitter from <see cref="ImageGeneratorOptions.RetryDelay"/>, a 429's Retry-After honoured
/// (<see cref="HttpRetryStrategyOptions"/>);</item>
/// <item>circuit breaker, one per endpoint: when half of the requests of the last 30 seconds failed
/// (at least <see cref="ImageGeneratorOptions.BreakerMinimumThroughput"/>), no request goes to the
/// endpoint for <see cref="ImageGeneratorOptions.BreakDuration"/> and its workers stop taking
/// images, so the other endpoints take its share; an open circuit is not retried;</item>
/// <item>timeout of each attempt (<see cref="ImageGeneratorOptions.Timeout"/>).</item>
/// </list>
/// </summary>
internal static class EndpointResilience
{
    public static ResiliencePipeline<HttpResponseMessage> Build(ImageGeneratorOptions options, EndpointHealth health)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                OnRetry = _ =>
                {
                    health.OnRetry();
                    return default;
                },
            });
        }

        return builder
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = ImageGeneratorDefaults.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = ImageGeneratorDefaults.BreakerSamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = args =>
                {
                    health.OnOpened(args.BreakDuration, args.Outcome.Exception?.Message ?? (args.Outcome.Result is { } r ? $"{(int)r.StatusCode} {r.ReasonPhrase}" : "failures"));
                    return default;
                },
                OnClosed = _ =>
                {
                    health.OnClosed();
                    return default;
                },
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.Timeout })
            .Build();
    }
}

/// <summary>
/// What the run knows about one endpoint's health: until when its circuit is open, how many times
/// in a row the circuit opened without a success between, and whether the endpoint is out of the run
/// (dead after <see cref="ImageGeneratorOptions.DeadAfterBreaks"/> openings, or rejected for good).
/// </summary>
internal sealed class EndpointHealth
{
    private readonly int _deadAfterBreaks;
    private readonly object _gate = new();
    private int _consecutiveOpenings;
    private int _retries;
    private DateTime _openUntil = DateTime.MinValue;
    private (EndpointState State, string Reason)? _out;

    public EndpointHealth(int deadAfterBreaks) => _deadAfterBreaks = deadAfterBreaks;

    /// <summary>Why the endpoint left the run; null while it is in.</summary>
    public (EndpointState State, string Reason)? Out
    {
        get
        {
            lock (_gate)
            {
                return _out;
            }
        }
    }

    public bool IsOut => Out is not null;

    /// <summary>Requests retried after a transient failure (timeout, connection error, 408, 429, 5xx).</summary>
    public int Retries => Volatile.Read(ref _retries);

    public void OnRetry() => Interlocked.Increment(ref _retries);

    /// <summary>
    /// How long the circuit stays open from now (zero when closed): the endpoint's workers take no
    /// image meanwhile. Polly lets the trial request of a half-open circuit through only when one is
    /// made, so the run keeps its own clock of the break rather than polling the circuit's state.
    /// </summary>
    public TimeSpan OpenFor
    {
        get
        {
            lock (_gate)
            {
                TimeSpan left = _openUntil - DateTime.UtcNow;
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    public void OnOpened(TimeSpan breakDuration, string lastFailure)
    {
        lock (_gate)
        {
            _openUntil = DateTime.UtcNow + breakDuration;
            if (++_consecutiveOpenings >= _deadAfterBreaks)
            {
                _out ??= (EndpointState.Dead, $"its circuit opened {_deadAfterBreaks} times in a row without a success between (last failure: {lastFailure})");
            }
        }
    }

    public void OnClosed()
    {
        lock (_gate)
        {
            _consecutiveOpenings = 0;
            _openUntil = DateTime.MinValue;
        }
    }

    public void Reject(string reason)
    {
        lock (_gate)
        {
            _out ??= (EndpointState.Rejected, reason);
        }
    }
}
