using System.Diagnostics;
using Npgsql;

namespace Escala.Postgres.Tests;

/// <summary>
/// The database goes away and comes back: calls fail fast and clearly meanwhile, and the same store instance
/// (pool and listening connection) works again afterwards. It stops and starts the server, so it always runs
/// against a throwaway server of its own, never the shared one.
/// </summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly PostgresServer _server = PostgresServer.Throwaway();
    private StoreScope? _scope;

    private StoreScope Scope => _scope ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _scope = new StoreScope(_server);
    }

    public async Task DisposeAsync()
    {
        if (_scope is not null)
        {
            await _scope.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task DatabaseRestart_CallsFailFastThenTheSameStoreRecovers()
    {
        var database = await Scope.NewDatabaseAsync();
        var store = Scope.Open(database);
        var other = Scope.Open(database);
        await store.MigrateAsync(CancellationToken.None);
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = store.SubscribeAvailable(q =>
        {
            if (q == "after")
            {
                woken.TrySetResult();
            }
        });
        await store.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None);

        await _server.ControlAsync("stop");
        try
        {
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None));
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.LeaseAsync(Jobs.Lease("default", 1), CancellationToken.None));
            Assert.False(await store.PingAsync(CancellationToken.None));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"calls took {clock.Elapsed} while the database was down");
        }
        finally
        {
            await _server.ControlAsync("start");
        }

        Assert.True(await store.PingAsync(CancellationToken.None));
        Assert.Single(await store.LeaseAsync(Jobs.Lease("default", 5), CancellationToken.None));
        // The listening connection reconnects on its own; keep nudging until the wake-up arrives.
        var deadline = Stopwatch.StartNew();
        while (!woken.Task.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await other.InsertAsync([Jobs.New(queue: "after")], Jobs.Now, CancellationToken.None);
            await Task.WhenAny(woken.Task, Task.Delay(500));
        }

        Assert.True(woken.Task.IsCompleted, "the subscriber was not woken after the database came back");
    }
}
