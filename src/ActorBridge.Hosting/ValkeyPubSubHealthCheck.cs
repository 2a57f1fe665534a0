using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorBridge.Hosting;

/// <summary>
/// Reports whether ActorBridge is connected to Valkey: Healthy when connected, the registration's failure status
/// (Unhealthy by default) when not, or when the connection actor does not answer in time.
/// <c>WithValkeyPubSub</c> registers it as <c>valkey-pubsub</c>; it works as a plain <see cref="IHealthCheck"/> too.
/// </summary>
public sealed class ValkeyPubSubHealthCheck : IAkkaHealthCheck, IHealthCheck
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);
    private readonly ActorSystem? _system;

    /// <summary>Creates the check for use through Akka.Hosting, which supplies the ActorSystem.</summary>
    public ValkeyPubSubHealthCheck()
    {
    }

    /// <summary>Creates the check for a given ActorSystem, for registration as a plain <see cref="IHealthCheck"/>.</summary>
    /// <param name="system">The system whose bridge is checked.</param>
    public ValkeyPubSubHealthCheck(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        _system = system;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken = default) =>
        CheckAsync(context.ActorSystem, context.Registration.FailureStatus, cancellationToken);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        CheckAsync(_system ?? throw new InvalidOperationException("Create ValkeyPubSubHealthCheck with an ActorSystem to use it as a plain IHealthCheck."),
            context.Registration.FailureStatus, cancellationToken);

    private static async Task<HealthCheckResult> CheckAsync(ActorSystem system, HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        try
        {
            var status = await ValkeyPubSub.Get(system).Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), AskTimeout, cancellationToken);
            var endpoints = string.Join(", ", status.Endpoints);
            return status.IsConnected
                ? HealthCheckResult.Healthy($"Connected to Valkey at {endpoints}.")
                : new HealthCheckResult(failureStatus, $"Not connected to Valkey at {endpoints}; reconnecting.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus, $"ActorBridge did not report its connection: {e.Message}", e);
        }
    }
}
