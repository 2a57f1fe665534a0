using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorBridge.TestKit;

/// <summary>
/// A throwaway <c>valkey-server</c> process listening on a free loopback port, with no persistence. Tests can stop
/// it, kill it (SIGKILL), pause it (SIGSTOP), resume it and restart it on the same port.
/// </summary>
/// <example>
/// <code>
/// await using var server = await ValkeyServer.StartAsync();
/// var config = $"akka.valkey-bridge.connection-string = \"{server.ConnectionString}\"";
/// </code>
/// </example>
public sealed partial class ValkeyServer : IAsyncDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;
    private const int OutputLinesKept = 50;

    private readonly string _executable;
    private readonly IReadOnlyList<string> _extraArguments;
    private readonly ValkeyTlsFiles? _tls;
    private readonly Queue<string> _output = new();
    private Process? _process;

    private ValkeyServer(string executable, int port, IReadOnlyList<string> extraArguments, ValkeyTlsFiles? tls)
    {
        _executable = executable;
        Port = port;
        _extraArguments = extraArguments;
        _tls = tls;
    }

    /// <summary>The loopback address the server binds to.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port the server listens on; it stays the same across restarts.</summary>
    public int Port { get; }

    /// <summary>
    /// A StackExchange.Redis configuration string for this server, such as <c>127.0.0.1:6380</c> (with
    /// <c>ssl=true,sslHost=localhost</c> for a TLS server; its clients must also trust <see cref="Tls"/>' CA).
    /// </summary>
    public string ConnectionString => _tls is null ? $"{Host}:{Port}" : $"{Host}:{Port},ssl=true,sslHost=localhost";

    /// <summary>The TLS files of a server started with <see cref="StartTlsAsync"/>, else null.</summary>
    public ValkeyTlsFiles? Tls => _tls;

    /// <summary>Whether the server process is running (a paused process counts as running).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Finds the server executable: the <c>VALKEY_SERVER</c> environment variable if set, else <c>valkey-server</c>
    /// or <c>redis-server</c> on the PATH.
    /// </summary>
    /// <returns>The full path, or <c>null</c> when none is installed.</returns>
    public static string? FindExecutable() => FindTool("VALKEY_SERVER", "valkey-server", "redis-server");

    /// <summary>
    /// Finds the command-line client: the <c>VALKEY_CLI</c> environment variable if set, else <c>valkey-cli</c> or
    /// <c>redis-cli</c> on the PATH.
    /// </summary>
    /// <returns>The full path, or <c>null</c> when none is installed.</returns>
    public static string? FindCliExecutable() => FindTool("VALKEY_CLI", "valkey-cli", "redis-cli");

    private static string? FindTool(string environmentVariable, params string[] names)
    {
        var configured = Environment.GetEnvironmentVariable(environmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return File.Exists(configured) ? configured : null;

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in names)
        {
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }

        return null;
    }

    /// <summary>Starts a server on a free loopback port and waits until it answers PING.</summary>
    /// <param name="extraArguments">More <c>valkey-server</c> arguments, for example <c>["--requirepass", "secret"]</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running server; dispose it to stop the process.</returns>
    /// <exception cref="InvalidOperationException">No server executable is installed, or it did not start.</exception>
    public static Task<ValkeyServer> StartAsync(IReadOnlyList<string>? extraArguments = null, CancellationToken cancellationToken = default) =>
        StartAsync(extraArguments, tls: null, cancellationToken);

    /// <summary>
    /// Starts a server that accepts only TLS connections on a free loopback port, with the given certificate (see
    /// <see cref="ValkeyTlsFiles.CreateSelfSigned"/>), and waits until it answers PING over TLS.
    /// </summary>
    /// <param name="tls">The server certificate, key and CA.</param>
    /// <param name="extraArguments">More <c>valkey-server</c> arguments.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running server.</returns>
    public static Task<ValkeyServer> StartTlsAsync(ValkeyTlsFiles tls, IReadOnlyList<string>? extraArguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tls);
        return StartAsync(extraArguments, tls, cancellationToken);
    }

    private static async Task<ValkeyServer> StartAsync(IReadOnlyList<string>? extraArguments, ValkeyTlsFiles? tls, CancellationToken cancellationToken)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "valkey-server was not found on the PATH (nor redis-server, nor the file named by VALKEY_SERVER). " +
            "Install it: on Debian 12 'apt-get install -t bookworm-backports valkey-server', elsewhere see https://valkey.io/download/.");

        InvalidOperationException? lastError = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Another process may take the port between probing and binding: try a few ports.
            var server = new ValkeyServer(executable, FreeLoopbackPort(), extraArguments ?? [], tls);
            try
            {
                await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException e)
            {
                lastError = e;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw lastError!;
    }

    /// <summary>Kills the process with SIGKILL, as a crash would, and waits for it to exit.</summary>
    /// <returns>A task that completes once the process has exited.</returns>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Pauses the process with SIGSTOP: connections stay open but nothing is answered.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Resumes a paused process with SIGCONT.</summary>
    public void Resume() => Signal(SigCont);

    /// <summary>Starts the server again on the same port, killing the old process first if it still runs.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once the new process answers PING.</returns>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            Resume();
            await KillAsync().ConfigureAwait(false);
        }

        await StartProcessAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server process (it is killed; nothing is persisted anyway).</summary>
    /// <returns>A task that completes once the process has exited.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
        {
            Resume();
            await KillAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _process = null;
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] listen = _tls is null
            ? ["--port", Port.ToString()]
            :
            [
                "--port", "0", "--tls-port", Port.ToString(), "--tls-cert-file", _tls.CertificateFile,
                "--tls-key-file", _tls.KeyFile, "--tls-ca-cert-file", _tls.CaCertificateFile, "--tls-auth-clients", "no",
            ];
        foreach (var argument in listen.Concat(
                 [
                     "--bind", Host, "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning",
                 ]).Concat(_extraArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        lock (_output)
            _output.Clear();
        var process = new Process { StartInfo = startInfo };
        // The server's output must be drained, or a full pipe would block it.
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"valkey-server on port {Port} exited at start with code {process.ExitCode}: {RecentOutput()}");
            if (await AnswersPingAsync(timeout.Token).ConfigureAwait(false))
                return;
            try
            {
                await Task.Delay(20, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"valkey-server on port {Port} did not answer PING within 15 s: {RecentOutput()}");
            }
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
            Stream stream = client.GetStream();
            if (_tls is not null)
            {
                // Readiness only: the certificate is the test's own, so any is accepted here.
                var ssl = new System.Net.Security.SslStream(stream, false, (_, _, _, _) => true);
                await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken).ConfigureAwait(false);
                stream = ssl;
            }

            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            // "+PONG" without a password; "-NOAUTH" means it is up but wants authentication.
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.StartsWith("+PONG", StringComparison.Ordinal) || answer.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private void Signal(int signal)
    {
        if (_process is not { HasExited: false } process)
            return;
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("Pausing and resuming valkey-server is supported on Linux only.");
        if (NativeMethods.Kill(process.Id, signal) != 0)
            throw new InvalidOperationException($"Sending signal {signal} to valkey-server (pid {process.Id}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    private void Remember(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept)
                _output.Dequeue();
        }
    }

    private string RecentOutput()
    {
        lock (_output)
            return _output.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _output);
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
