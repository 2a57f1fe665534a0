using System.Diagnostics;

namespace Demo;

/// <summary>
/// One token of a simulated LLM response, as published on <c>ai:llm:tokens:{requestId}</c>; the last event of a
/// response has <see cref="Done"/> set and no token. <see cref="SentAt"/> is a Stopwatch timestamp (the demo's
/// producer and consumers share one process, so latencies compare like with like).
/// </summary>
internal sealed record TokenEvent(string RequestId, int Index, string? Token, long SentAt, bool Done)
{
    public static readonly string Text =
        "Valkey Pub/Sub pushes each token to every subscriber the moment it is published, so a chat client " +
        "can render a model's answer as it is written instead of waiting for the whole response. Nothing is " +
        "stored: a subscriber that connects late sees only what comes next.";

    /// <summary>The deterministic response, split into tokens the way a tokenizer might: words with their spaces.</summary>
    public static IReadOnlyList<string> Tokens { get; } =
        [.. System.Text.RegularExpressions.Regex.Matches(Text, @"\S+\s*").Select(m => m.Value)];

    public double MillisecondsSinceSent(long now) => (now - SentAt) * 1000.0 / Stopwatch.Frequency;
}
