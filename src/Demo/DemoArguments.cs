namespace Demo;

/// <summary>The demo's command line: a command, its arguments, and the options every command takes.</summary>
internal sealed record DemoArguments(string Command, IReadOnlyList<string> Arguments, string? Url, bool Help, double Rate = DemoArguments.DefaultRate)
{
    public const double DefaultRate = 40;

    public const string Usage = """
        ActorBridge demo: Valkey's Pub/Sub cookbook, as Akka.NET actors.

        usage: Demo [command] [arguments] [--url URL]

        commands:
          (none)                    the cookbook tour: publish, subscribe, pattern-subscribe, a callback
                                    subscriber, PUBSUB CHANNELS / NUMSUB. Uses --url or VALKEY_URL if given,
                                    else starts a throwaway local valkey-server and stops it at the end.
          publish CHANNEL MESSAGE   publish MESSAGE; prints "Published to CHANNEL → N subscriber(s)"
          subscribe CHANNEL...      print each message as "[channel] payload" until Ctrl+C
          psubscribe PATTERN...     the same for glob patterns such as ai:*
          channels [PATTERN]        the active channels (PUBSUB CHANNELS), one a line
          numsub CHANNEL...         subscribers per channel (PUBSUB NUMSUB), "CHANNEL: N" a line
          llm-stream [--rate N]     a simulated model streams tokens on ai:llm:tokens:{id} (N a second, default
                                    40) to an actor, an Akka.Streams source and a pattern subscriber; prints
                                    each one's time to first token and per-token latency p50 / p99. Like the
                                    tour, starts a throwaway server when neither --url nor VALKEY_URL is set.

        options:
          --url URL                 the server: host:port (a StackExchange.Redis configuration string) or
                                    redis://[user:password@]host[:port] (valkey://, rediss:// and valkeys://
                                    too). Default: VALKEY_URL, else 127.0.0.1:6379 for the commands above.
          -h, --help                this text
        """;

    private static readonly Dictionary<string, (int Min, int Max)> Arity = new()
    {
        ["tour"] = (0, 0),
        ["publish"] = (2, 2),
        ["subscribe"] = (1, int.MaxValue),
        ["psubscribe"] = (1, int.MaxValue),
        ["channels"] = (0, 1),
        ["numsub"] = (1, int.MaxValue),
        ["llm-stream"] = (0, 0),
    };

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">The arguments do not make a valid command; the message says why.</exception>
    public static DemoArguments Parse(IReadOnlyList<string> args)
    {
        string? url = null;
        var help = false;
        var rate = DefaultRate;
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
                help = true;
            else if (arg == "--url")
                url = i + 1 < args.Count ? args[++i] : throw new ArgumentException("--url needs a value, for example --url 127.0.0.1:6379.");
            else if (arg.StartsWith("--url=", StringComparison.Ordinal))
                url = arg["--url=".Length..];
            else if (arg == "--rate")
                rate = i + 1 < args.Count ? ParseRate(args[++i]) : throw new ArgumentException("--rate needs a value, for example --rate 40.");
            else if (arg.StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unknown option {arg}; see --help.");
            else
                positional.Add(arg);
        }

        if (help)
            return new DemoArguments("help", [], url, true);

        var command = positional.Count == 0 ? "tour" : positional[0];
        var rest = positional.Skip(1).ToList();
        if (!Arity.TryGetValue(command, out var arity))
            throw new ArgumentException($"unknown command '{command}'; see --help.");
        if (rest.Count < arity.Min || rest.Count > arity.Max)
            throw new ArgumentException(command switch
            {
                "publish" => "publish takes a channel and a message: publish CHANNEL MESSAGE.",
                "channels" => "channels takes at most one pattern: channels [PATTERN].",
                "tour" => $"unknown command '{rest[0]}'; see --help.",
                _ => $"{command} takes at least one name: {command} NAME...",
            });
        if (url is not null && string.IsNullOrWhiteSpace(url))
            throw new ArgumentException("--url is empty.");
        return new DemoArguments(command, rest, url, false, rate);
    }

    private static double ParseRate(string value) =>
        double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate is > 0 and <= 100_000
            ? rate
            : throw new ArgumentException($"--rate must be a number of tokens a second between 0 and 100000, not '{value}'.");
}
