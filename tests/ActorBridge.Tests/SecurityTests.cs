using ActorBridge.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace ActorBridge.Tests;

/// <summary>A server that requires a password, with two ACL users: "app" (everything) and "limited" (channels allowed:* only).</summary>
public sealed class SecuredValkeyFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-Secret-1";
    public const string AppPassword = "app-Secret-2";
    public const string LimitedPassword = "limited-Secret-3";

    public ValkeyServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ValkeyServer.StartAsync(["--requirepass", AdminPassword]);
        Admin = await ConnectionMultiplexer.ConnectAsync($"{Server.ConnectionString},password={AdminPassword}");
        var db = Admin.GetDatabase();
        await db.ExecuteAsync("ACL", "SETUSER", "app", "on", $">{AppPassword}", "~*", "&*", "+@all");
        await db.ExecuteAsync("ACL", "SETUSER", "limited", "on", $">{LimitedPassword}", "~*", "resetchannels", "&allowed:*", "+@all");
    }

    public async Task DisposeAsync()
    {
        await Admin.DisposeAsync();
        await Server.DisposeAsync();
    }
}

public sealed class SecurityTests(SecuredValkeyFixture valkey, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(output: output), IClassFixture<SecuredValkeyFixture>
{
    [Theory]
    [InlineData("password=" + SecuredValkeyFixture.AdminPassword)]
    [InlineData("user=app,password=" + SecuredValkeyFixture.AppPassword)]
    public async Task A_password_or_an_acl_user_in_the_connection_string_works(string credentials)
    {
        await WithBridgeAsync(credentials, async (system, bridge) =>
        {
            var channel = $"secured:{Guid.NewGuid():N}";
            var probe = CreateTestProbe(system);
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(channel, probe.Ref), TimeSpan.FromSeconds(10));
            var published = await bridge.Publisher.Ask<Published>(new Publish(channel, "authenticated"), TimeSpan.FromSeconds(10));
            Assert.Equal(1, published.Receivers);
            Assert.Equal("authenticated", probe.ExpectMsg<ValkeyMessage>().Text);
        });
    }

    [Fact]
    public async Task A_wrong_password_gives_one_clear_error_without_the_secret()
    {
        const string wrong = "not-the-Password-9";
        await WithBridgeAsync($"user=app,password={wrong}", async (system, bridge) =>
        {
            var logs = CreateTestProbe(system);
            system.EventStream.Subscribe(logs.Ref, typeof(Error));
            system.EventStream.Subscribe(logs.Ref, typeof(Warning));
            var probe = CreateTestProbe(system);

            var subscribe = await Assert.ThrowsAsync<ValkeyBridgeException>(() =>
                bridge.Connection.Ask<SubscribeAck>(new Subscribe("secured:x", probe.Ref), TimeSpan.FromSeconds(20)));
            Assert.Contains("AUTH failed", subscribe.Message);
            Assert.DoesNotContain(wrong, subscribe.ToString());

            var publish = await Assert.ThrowsAsync<ValkeyBridgeException>(() =>
                bridge.Publisher.Ask<Published>(new Publish("secured:x", "y"), TimeSpan.FromSeconds(20)));
            Assert.Contains("AUTH failed", publish.Message);

            // Logged, once per state change, and never with the password; the actors keep running.
            var lines = new List<string>();
            while (logs.HasMessages)
                lines.Add(logs.ExpectMsg<LogEvent>().ToString());
            Assert.Single(lines, l => l.Contains("AUTH failed", StringComparison.Ordinal) && l.Contains("[ERROR]", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(wrong, StringComparison.Ordinal));
            var status = await bridge.Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), TimeSpan.FromSeconds(5));
            Assert.False(status.IsConnected);
        });
    }

    [Fact]
    public async Task A_channel_the_acl_user_may_not_read_fails_only_that_request()
    {
        await WithBridgeAsync($"user=limited,password={SecuredValkeyFixture.LimitedPassword}", async (system, bridge) =>
        {
            var probe = CreateTestProbe(system);
            var allowed = $"allowed:{Guid.NewGuid():N}";
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe(allowed, probe.Ref), TimeSpan.FromSeconds(10));

            var forbidden = await Assert.ThrowsAsync<ValkeyBridgeException>(() =>
                bridge.Connection.Ask<SubscribeAck>(new Subscribe($"forbidden:{Guid.NewGuid():N}", probe.Ref), TimeSpan.FromSeconds(10)));
            Assert.Contains("NOPERM", forbidden.Message);
            var forbiddenPattern = await Assert.ThrowsAsync<ValkeyBridgeException>(() =>
                bridge.Connection.Ask<PatternSubscribeAck>(new PatternSubscribe("forbidden:*", probe.Ref), TimeSpan.FromSeconds(10)));
            Assert.Contains("NOPERM", forbiddenPattern.Message);

            // The allowed subscription is unaffected.
            var published = await bridge.Publisher.Ask<Published>(new Publish(allowed, "still fine"), TimeSpan.FromSeconds(10));
            Assert.Equal(1, published.Receivers);
            Assert.Equal("still fine", probe.ExpectMsg<ValkeyMessage>().Text);
        });
    }

    private async Task WithBridgeAsync(string credentials, Func<ActorSystem, ValkeyPubSub, Task> test)
    {
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = INFO
            akka.valkey-bridge.connection-string = "{{valkey.Server.ConnectionString}},{{credentials}}"
            akka.valkey-bridge.publisher.publish-timeout = 2s
            """);
        var system = ActorSystem.Create("secured", config);
        try
        {
            await test(system, ValkeyPubSub.Get(system));
        }
        finally
        {
            await system.Terminate();
        }
    }
}

public sealed class TlsValkeyFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actorbridge-tls-").FullName;

    public ValkeyServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ValkeyServer.StartTlsAsync(ValkeyTlsFiles.CreateSelfSigned(_directory));

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class TlsTests(TlsValkeyFixture valkey, ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(output: output), IClassFixture<TlsValkeyFixture>
{
    [Fact]
    public async Task The_bridge_connects_over_tls_when_it_trusts_the_servers_ca()
    {
        var system = ActorSystem.Create("tls", ConfigurationFactory.ParseString($$"""
            akka.valkey-bridge.connection-string = "{{valkey.Server.ConnectionString}}"
            akka.valkey-bridge.tls.ca-certificate = "{{valkey.Server.Tls!.CaCertificateFile}}"
            """));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var probe = CreateTestProbe(system);
            await bridge.Connection.Ask<SubscribeAck>(new Subscribe("tls:events", probe.Ref), TimeSpan.FromSeconds(10));
            var published = await bridge.Publisher.Ask<Published>(new Publish("tls:events", "encrypted"), TimeSpan.FromSeconds(10));
            Assert.Equal(1, published.Receivers);
            Assert.Equal("encrypted", probe.ExpectMsg<ValkeyMessage>().Text);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task The_bridge_refuses_a_certificate_it_does_not_trust_and_says_so()
    {
        var system = ActorSystem.Create("tls-untrusted", ConfigurationFactory.ParseString($$"""
            akka.valkey-bridge.connection-string = "{{valkey.Server.ConnectionString}},connectTimeout=2000"
            akka.valkey-bridge.publisher.publish-timeout = 2s
            """));
        try
        {
            var bridge = ValkeyPubSub.Get(system);
            var probe = CreateTestProbe(system);
            var error = await Assert.ThrowsAsync<ValkeyBridgeException>(() =>
                bridge.Connection.Ask<SubscribeAck>(new Subscribe("tls:events", probe.Ref), TimeSpan.FromSeconds(20)));
            Assert.Contains("TLS handshake", error.Message);
            var status = await bridge.Connection.Ask<ConnectionStatus>(new GetConnectionStatus(), TimeSpan.FromSeconds(5));
            Assert.False(status.IsConnected);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
