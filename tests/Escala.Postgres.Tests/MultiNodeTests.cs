using System.Collections.Concurrent;
using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres.Tests;

/// <summary>Several store instances (nodes) on one database: what only a shared server can show.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiNodeTests(PostgresServer server) : IAsyncLifetime
{
    private readonly StoreScope _scope = new(server);
    private string _database = string.Empty;
    private PostgresJobStore _a = null!;
    private PostgresJobStore _b = null!;

    public async Task InitializeAsync()
    {
        _database = await _scope.NewDatabaseAsync();
        _a = _scope.Open(_database);
        _b = _scope.Open(_database);
        await _a.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task Lease_TwoNodesConcurrently_NeverGetTheSameJob()
    {
        await _a.InsertAsync(Enumerable.Range(0, 600).Select(_ => Jobs.New()).ToList(), Jobs.Now, CancellationToken.None);
        var leased = new ConcurrentBag<long>();

        async Task DrainAsync(PostgresJobStore store, string holder)
        {
            while (true)
            {
                var batch = await store.LeaseAsync(Jobs.Lease("default", 7, holder), CancellationToken.None);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var job in batch)
                {
                    leased.Add(job.Id);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => DrainAsync(i % 2 == 0 ? _a : _b, "node-" + i))));

        Assert.Equal(600, leased.Count);
        Assert.Equal(600, leased.Distinct().Count());
    }

    [Fact]
    public async Task Admission_TwoNodesConcurrently_NeverExceedTheResourceLimit()
    {
        const int limit = 3;
        var admission = Jobs.Limit("llm", limit);
        await _a.InsertAsync(
            Enumerable.Range(0, 90).Select(i => i % 3 == 0 ? Jobs.New() : Jobs.New(resources: ["llm"])).ToList(),
            Jobs.Now,
            CancellationToken.None);
        var maxSeen = 0;
        var completed = 0;

        async Task WorkAsync(PostgresJobStore store, string holder)
        {
            var idle = 0;
            while (idle < 20)
            {
                var batch = await store.LeaseAsync(Jobs.Lease("default", 2, holder, admission), CancellationToken.None);
                var running = await CountRunningLlmAsync();
                InterlockedMax(ref maxSeen, running);
                if (batch.Count == 0)
                {
                    idle++;
                    await Task.Yield();
                    continue;
                }

                idle = 0;
                var done = await store.CompleteAsync(
                    batch.Select(j => new Completion(j.Lease, new JobOutcome.Succeeded(null))).ToList(), Jobs.Now, CancellationToken.None);
                Interlocked.Add(ref completed, done.Count(d => d));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => WorkAsync(i % 2 == 0 ? _a : _b, "node-" + i))));

        Assert.InRange(maxSeen, 1, limit);
        Assert.Equal(90, completed);
    }

    [Fact]
    public async Task Notify_InsertOnOneNode_WakesSubscriberOnAnother()
    {
        var woken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _b.SubscribeAvailable(queue =>
        {
            if (queue == "mail")
            {
                woken.TrySetResult(queue);
            }
        });
        await _b.Listening.WaitAsync(TimeSpan.FromSeconds(10));

        await _a.InsertAsync([Jobs.New(queue: "mail")], Jobs.Now, CancellationToken.None);

        Assert.Equal("mail", await woken.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task NotifyChanged_CompletionOnOneNode_WakesWatchersOnAnother()
    {
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queues = new List<string>();
        using var changed = _b.SubscribeChanged(() => woken.TrySetResult());
        using var available = _b.SubscribeAvailable(queue => { lock (queues) { queues.Add(queue); } });
        await _b.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await _a.InsertAsync([Jobs.New(queue: "mail")], Jobs.Now, CancellationToken.None);
        var job = Assert.Single(await _a.LeaseAsync(
            new LeaseRequest { Queue = "mail", Holder = "a", Max = 1, Now = Jobs.Now, LeaseFor = TimeSpan.FromMinutes(1) }, CancellationToken.None));

        await _a.CompleteAsync([new Completion(job.Lease, new JobOutcome.Succeeded(null))], Jobs.Now, CancellationToken.None);

        await woken.Task.WaitAsync(TimeSpan.FromSeconds(10));
        lock (queues)
        {
            // The "jobs changed" marker never reaches queue subscribers as a queue name.
            Assert.DoesNotContain(PostgresJobStore.ChangedMarker, queues);
        }
    }

    [Fact]
    public async Task Migrate_ThreeNodesAtOnce_AppliesEachScriptOnce()
    {
        var fresh = await _scope.NewDatabaseAsync();
        var nodes = Enumerable.Range(0, 3).Select(_ => _scope.Open(fresh)).ToArray();

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MigrateAsync(CancellationToken.None))));
        await nodes[0].MigrateAsync(CancellationToken.None);

        await using var connection = new NpgsqlConnection(fresh);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM escala.schema_migrations", connection);
        Assert.Equal((long)Migrator.Scripts().Count(), (long)(await cmd.ExecuteScalarAsync())!);
        Assert.Single(await nodes[2].InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None));
    }

    private async Task<int> CountRunningLlmAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*)::int FROM escala.jobs WHERE state = 2 AND 'llm' = ANY(resources)", connection);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
