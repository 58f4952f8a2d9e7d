using System.Diagnostics;
using Npgsql;

namespace Escala.Postgres.Tests;

/// <summary>
/// The database goes away and comes back: calls fail fast and clearly meanwhile, and the same store instance
/// (pool and listening connection) works again afterwards. Runs only against a server the tests started
/// themselves; with <c>ESCALA_TEST_POSTGRES</c> set it does nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OutageTests(PostgresServer server) : IAsyncLifetime
{
    private readonly StoreScope _scope = new(server);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task DatabaseRestart_CallsFailFastThenTheSameStoreRecovers()
    {
        if (!server.Owned)
        {
            return;
        }

        var database = await _scope.NewDatabaseAsync();
        var store = _scope.Open(database);
        var other = _scope.Open(database);
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

        await server.ControlAsync("stop");
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
            await server.ControlAsync("start");
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
