using System.Diagnostics;
using System.Text;

namespace Demo;

/// <summary>What one consumer saw of a streamed response: the text it rendered, time to first token, per-token latency.</summary>
internal sealed class TokenStats(string consumer)
{
    private long _requestStarted;
    private readonly StringBuilder _text = new();
    private readonly List<double> _latencies = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double? _timeToFirstToken;

    public string Consumer { get; } = consumer;

    public Task Finished => _finished.Task;

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public int Tokens
    {
        get
        {
            lock (_text)
                return _latencies.Count;
        }
    }

    /// <summary>Marks when the model started, for time to first token; call before the first token can arrive.</summary>
    public void Start(long timestamp) => Interlocked.Exchange(ref _requestStarted, timestamp);

    /// <summary>Records one event; safe to call from an actor or a stream stage (each consumer calls it from one place).</summary>
    public void Record(TokenEvent token, long now)
    {
        lock (_text)
        {
            if (token.Done)
            {
                _finished.TrySetResult();
                return;
            }

            _timeToFirstToken ??= (now - Interlocked.Read(ref _requestStarted)) * 1000.0 / Stopwatch.Frequency;
            _latencies.Add(token.MillisecondsSinceSent(now));
            _text.Append(token.Token);
        }
    }

    public string Summary()
    {
        lock (_text)
        {
            var sorted = _latencies.Order().ToList();
            double Percentile(double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
            return $"{Consumer,-30} {sorted.Count,6} {_timeToFirstToken,12:0.00} {Percentile(50),10:0.000} {Percentile(99),10:0.000}";
        }
    }
}
