using Escala.Sqlite.Migrations;
using Escala.Storage;

namespace Escala.Sqlite.Tests;

/// <summary>What only the SQLite driver promises: durability settings, group commit, migrations, reopening.</summary>
public sealed class SqliteJobStoreTests : SqliteStoreFixture
{
    [Fact]
    public async Task Open_Pragmas_WalAndSynchronousFull()
    {
        var (journal, synchronous) = await Store.WriteAsync(context =>
        {
            using var journalMode = context.Adhoc("PRAGMA journal_mode");
            using var sync = context.Adhoc("PRAGMA synchronous");
            return ((string)journalMode.ExecuteScalar()!, (long)sync.ExecuteScalar()!);
        }, CancellationToken.None);

        Assert.Equal("wal", journal);
        Assert.Equal(2, synchronous); // FULL
        Assert.True(File.Exists(Path.Combine(Directory.Path, "escala.db")));
    }

    [Fact]
    public async Task Migrate_Again_AppliesNothingAndKeepsOneRowPerVersion()
    {
        var ran = await Store.WriteAsync(context => Migrator.Apply(context, T0), CancellationToken.None);
        await Store.MigrateAsync(CancellationToken.None);

        Assert.Equal(0, ran);
        var versions = await Store.WriteAsync(context =>
        {
            using var select = context.Adhoc("SELECT version FROM schema_migrations ORDER BY version");
            using var reader = select.ExecuteReader();
            var found = new List<int>();
            while (reader.Read())
            {
                found.Add(reader.GetInt32(0));
            }

            return found;
        }, CancellationToken.None);
        Assert.Equal(Migrator.All.Select(migration => migration.Version), versions);
        Assert.Equal(1, Migrator.All[0].Version);
    }

    [Fact]
    public async Task GroupCommit_ConcurrentInserts_FewerTransactionsThanCalls()
    {
        var release = await HoldWriterAsync();
        var before = Store.Transactions;

        var calls = Enumerable.Range(0, 1000).Select(_ => Store.InsertAsync([Job()], T0, CancellationToken.None)).ToList();
        release();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1000, results.Select(result => result[0].Job.Id).Distinct().Count());
        Assert.InRange(Store.Transactions - before, 1, 3);
    }

    [Fact]
    public async Task GroupCommit_OneFailingOp_OthersInTheGroupCommit()
    {
        var release = await HoldWriterAsync();
        var before = Store.Transactions;

        var first = Store.InsertAsync([Job("first")], T0, CancellationToken.None);
        var failing = Store.WriteAsync<int>(context =>
        {
            using var insert = context.Adhoc("INSERT INTO queue_pauses (queue, paused_at) VALUES ('doomed', 0)");
            insert.ExecuteNonQuery();
            throw new InvalidOperationException("injected");
        }, CancellationToken.None);
        var last = Store.InsertAsync([Job("last")], T0, CancellationToken.None);
        release();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        var ids = new[] { (await first)[0].Job.Id, (await last)[0].Job.Id };
        Assert.Equal(["first", "last"], await Task.WhenAll(ids.Select(async id => (await Store.GetAsync("t1", id, CancellationToken.None))!.Kind)));
        Assert.Empty(await Store.GetPausedQueuesAsync(CancellationToken.None));
        Assert.InRange(Store.Transactions - before, 1, 2);
    }

    [Fact]
    public async Task GroupCommit_CancelledBeforeRun_NotApplied()
    {
        var release = await HoldWriterAsync();
        using var cancel = new CancellationTokenSource();

        var insert = Store.InsertAsync([Job()], T0, cancel.Token);
        await cancel.CancelAsync();
        release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => insert);
        Assert.Empty(await Store.CountByQueueAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_AfterDispose_DataSurvives()
    {
        var inserted = (await Store.InsertAsync([Job()], T0, CancellationToken.None))[0].Job;
        var leased = await Store.LeaseAsync(new LeaseRequest { Queue = "default", Holder = "n", Max = 1, Now = T0, LeaseFor = TimeSpan.FromSeconds(30) }, CancellationToken.None);
        await Store.CompleteAsync([new Completion(leased[0].Lease, new JobOutcome.Succeeded("42"))], T0, CancellationToken.None);
        await Store.DisposeAsync();

        Store = await OpenAsync();

        var job = await Store.GetAsync("t1", inserted.Id, CancellationToken.None);
        Assert.Equal((Jobs.JobState.Completed, "42"), (job!.State, job.Result));
        Assert.Equal(0, new FileInfo(Path.Combine(Directory.Path, "escala.db-wal")) is { Exists: true } wal ? wal.Length : 0);
    }

    [Fact]
    public async Task Dispose_ThenWrite_ThrowsObjectDisposed()
    {
        await Store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.InsertAsync([Job()], T0, CancellationToken.None));
        Store = await OpenAsync();
    }

    [Fact]
    public void Capabilities_SingleNodeWithoutNotify()
    {
        Assert.Equal(new StoreCapabilities("sqlite", SupportsNotify: false, MultiNode: false, OrderedWrites: true), Store.Capabilities);
    }

    [Fact]
    public async Task Open_MissingDirectory_Created()
    {
        using var nested = new TempDataDirectory();
        var options = new SqliteStoreOptions { DataDirectory = Path.Combine(nested.Path, "a", "b") };

        await using var store = new SqliteJobStore(options);
        await store.MigrateAsync(CancellationToken.None);

        Assert.True(File.Exists(options.DatabasePath));
    }
}
