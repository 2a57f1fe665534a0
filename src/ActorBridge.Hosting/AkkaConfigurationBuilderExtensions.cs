using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorBridge.Hosting;

/// <summary>Akka.Hosting extensions that add ActorBridge to an ActorSystem.</summary>
public static class AkkaConfigurationBuilderExtensions
{
    /// <summary>The name the health check is registered under.</summary>
    public const string HealthCheckName = "valkey-pubsub";

    /// <summary>Adds ActorBridge, connecting to <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithValkeyPubSub(this AkkaConfigurationBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.WithValkeyPubSub(options => options.ConnectionString = connectionString);
    }

    /// <summary>Adds ActorBridge with options set in code.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="configure">Sets the options; unset ones keep their reference.conf defaults.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithValkeyPubSub(this AkkaConfigurationBuilder builder, Action<ValkeyPubSubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ValkeyPubSubOptions();
        configure(options);
        return builder.WithValkeyPubSub(options);
    }

    /// <summary>Adds ActorBridge with options bound from a configuration section (appsettings.json, environment variables).</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="section">The section, for example <c>configuration.GetSection("ActorBridge")</c>.</param>
    /// <param name="configure">Optionally adjusts the bound options in code.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithValkeyPubSub(this AkkaConfigurationBuilder builder, IConfiguration section, Action<ValkeyPubSubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new ValkeyPubSubOptions();
        section.Bind(options);
        configure?.Invoke(options);
        return builder.WithValkeyPubSub(options);
    }

    /// <summary>Adds ActorBridge with the given options.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="options">The options; unset ones keep their reference.conf defaults.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithValkeyPubSub(this AkkaConfigurationBuilder builder, ValkeyPubSubOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        builder.AddHocon(options.ToConfig(), HoconAddMode.Prepend);
        builder.AddHocon(ValkeyPubSub.DefaultConfig(), HoconAddMode.Append);
        if (options.Connection is not null)
            builder.AddSetup(new ValkeyPubSubSetup(options.Connection));

        builder.WithActors((system, registry) =>
        {
            var bridge = ValkeyPubSub.Get(system);
            registry.TryRegister<ValkeyConnectionActor>(bridge.Connection);
            registry.TryRegister<ValkeyPublisherActor>(bridge.Publisher);
        });

        if (options.RegisterHealthCheck)
            builder.WithHealthCheck(HealthCheckName, new ValkeyPubSubHealthCheck(), HealthStatus.Unhealthy, ["akka", "valkey"]);
        return builder;
    }
}
