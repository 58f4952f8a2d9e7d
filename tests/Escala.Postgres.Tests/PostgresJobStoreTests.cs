using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Postgres.Tests;

/// <summary>Driver behaviour on a single node: round trips, batching, admission, the job life cycle.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJobStoreTests(PostgresServer server) : IAsyncLifetime
{
    private readonly StoreScope _scope = new(server);
    private PostgresJobStore _store = null!;

    public async Task InitializeAsync() => _store = await _scope.NewStoreAsync();

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task Connections_PrepareRepeatedStatements_UnlessTheConnectionStringSaysNot()
    {
        Assert.Equal(1, await PreparedAfterRepeatsAsync(_store));

        var off = _scope.Open(await _scope.NewDatabaseAsync() + ";Max Auto Prepare=0");
        Assert.Equal(0, await PreparedAfterRepeatsAsync(off));
    }

    [Fact]
    public async Task Promote_AfterTheTableOutgrewItsStatistics_AnalyzesIt()
    {
        _store.StatsCheckInterval = TimeSpan.FromMilliseconds(200);
        for (var i = 0; i < 25; i++)
        {
            await _store.InsertAsync(Enumerable.Range(0, 1000).Select(_ => Jobs.New()).ToArray(), Jobs.Now, CancellationToken.None);
        }

        // The server counts changes per table with a delay of up to ~10 s; the leader's check sees them then.
        var analyzed = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!analyzed && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await _store.PromoteDueAsync(Jobs.Now, 100, CancellationToken.None);
            await using var cmd = _store.DataSource.CreateCommand(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = 'escala' AND relname = 'jobs'");
            analyzed = (long)(await cmd.ExecuteScalarAsync())! > 0;
            await Task.Delay(250);
        }

        Assert.True(analyzed, "the leader never analyzed a table that grew from empty to 25,000 rows");
    }

    [Fact]
    public void Capabilities_ManyNodesWithNotify_WritesNotOrdered_SchemasAndStatistics() =>
        Assert.Equal(
            new StoreCapabilities("postgres", SupportsNotify: true, MultiNode: true, OrderedWrites: false) { Schemas = true, PlannerStatistics = true },
            _store.Capabilities);

    [Fact]
    public async Task RefreshStatistics_AfterABulkLoad_PlannerKnowsTheRows()
    {
        await _store.InsertAsync(Enumerable.Range(0, 500).Select(_ => Jobs.New()).ToArray(), Jobs.Now, CancellationToken.None);
        Assert.NotEqual(500f, await RowEstimateAsync());

        await _store.RefreshStatisticsAsync(CancellationToken.None);

        Assert.Equal(500f, await RowEstimateAsync());
    }

    [Fact]
    public async Task DropSchema_RemovesTheStoresSchemaOnly()
    {
        var database = await _scope.NewDatabaseAsync();
        var scratch = new PostgresJobStore(new PostgresStoreOptions { ConnectionString = database, Schema = "escala_scratch" });
        await using (scratch)
        {
            var kept = _scope.Open(database);
            await kept.MigrateAsync(CancellationToken.None);
            await scratch.MigrateAsync(CancellationToken.None);

            await scratch.DropSchemaAsync(CancellationToken.None);

            await using var schemas = kept.DataSource.CreateCommand(
                "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname LIKE 'escala%'");
            Assert.Equal("escala", await schemas.ExecuteScalarAsync());
        }
    }

    private async Task<float> RowEstimateAsync()
    {
        await using var cmd = _store.DataSource.CreateCommand("SELECT reltuples FROM pg_class WHERE oid = 'escala.jobs'::regclass");
        return (float)(await cmd.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0", true)]
    [InlineData("Host=h;maxautoprepare=10", true)]
    [InlineData("Host=h;Database=d", false)]
    public void SaysMaxAutoPrepare_ReadsOnlyWhatTheStringGives(string connectionString, bool says) =>
        Assert.Equal(says, PostgresJobStore.SaysMaxAutoPrepare(connectionString));

    /// <summary>Runs one statement three times on a pooled connection and counts what that connection holds prepared.</summary>
    private static async Task<long> PreparedAfterRepeatsAsync(PostgresJobStore store)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var repeated = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname = $1", connection);
            repeated.Parameters.Add(new Npgsql.NpgsqlParameter { Value = "jobs" });
            await repeated.ExecuteScalarAsync();
        }

        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%relname = $1%'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Insert_Batch_ReturnsJobsInOrderAndDuplicatesReturnTheFirst()
    {
        var results = await _store.InsertAsync(
            [Jobs.New(key: "a"), Jobs.New(), Jobs.New(key: "a"), Jobs.New(tenant: "t2", key: "a", resources: ["llm", "ocr"])],
            Jobs.Now,
            CancellationToken.None);

        Assert.Equal([true, true, false, true], results.Select(r => r.Created));
        Assert.Equal(results[0].Job.Id, results[2].Job.Id);
        Assert.True(results[0].Job.Id < results[1].Job.Id);
        Assert.Equal(["llm", "ocr"], results[3].Job.Resources);
        Assert.Equal(JobState.Available, results[0].Job.State);

        var again = await _store.InsertAsync([Jobs.New(key: "a")], Jobs.Now, CancellationToken.None);
        Assert.False(again[0].Created);
        Assert.Equal(results[0].Job.Id, again[0].Job.Id);
    }

    [Fact]
    public async Task Insert_ConcurrentSingles_AreGroupedAndAllStored()
    {
        var tasks = Enumerable.Range(0, 200)
            .Select(i => _store.InsertAsync([Jobs.New(key: (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture))], Jobs.Now, CancellationToken.None))
            .ToArray();
        var results = (await Task.WhenAll(tasks)).Select(r => r[0]).ToArray();

        Assert.Equal(50, results.Count(r => r.Created));
        Assert.Equal(50, results.Select(r => r.Job.Id).Distinct().Count());
    }

    [Fact]
    public async Task Insert_FutureRunAt_IsScheduledAndPromotedWhenDue()
    {
        var job = (await _store.InsertAsync([Jobs.New() with { RunAt = Jobs.Now.AddMinutes(1) }], Jobs.Now, CancellationToken.None))[0].Job;
        Assert.Equal(JobState.Scheduled, job.State);

        Assert.Equal(0, await _store.PromoteDueAsync(Jobs.Now, 100, CancellationToken.None));
        Assert.Equal(1, await _store.PromoteDueAsync(Jobs.Now.AddMinutes(1), 100, CancellationToken.None));
        Assert.Equal(JobState.Available, (await _store.GetAsync("t1", job.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Get_OtherTenant_ReturnsNull()
    {
        var job = (await _store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None))[0].Job;

        Assert.Null(await _store.GetAsync("t2", job.Id, CancellationToken.None));
        Assert.Equal(job.Id, (await _store.GetAsync("t1", job.Id, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task Lease_PriorityThenRunAtThenId_AndCompleteOnlyUnderItsToken()
    {
        await _store.InsertAsync([Jobs.New(), Jobs.New(priority: 5), Jobs.New()], Jobs.Now, CancellationToken.None);

        var leased = await _store.LeaseAsync(Jobs.Lease("default", 2), CancellationToken.None);

        Assert.Equal([5, 0], leased.Select(j => j.Priority));
        Assert.All(leased, j => Assert.Equal(JobState.Running, j.State));
        Assert.All(leased, j => Assert.Equal(1, j.Attempt));
        var done = await _store.CompleteAsync(
            [new Completion(leased[0].Lease, new JobOutcome.Succeeded("{}")), new Completion(new LeaseRef(leased[1].Id, "wrong"), new JobOutcome.Succeeded(null))],
            Jobs.Now,
            CancellationToken.None);
        Assert.Equal([true, false], done);
        Assert.Equal(JobState.Completed, (await _store.GetAsync("t1", leased[0].Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Complete_FailedWithRetry_RecordsErrorAndBecomesRetryable()
    {
        await _store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None);
        var job = (await _store.LeaseAsync(Jobs.Lease("default", 1), CancellationToken.None))[0];
        var error = new AttemptError(1, Jobs.Now, "boom", FailureKinds.Transient);

        await _store.CompleteAsync([new Completion(job.Lease, new JobOutcome.Failed(error, Jobs.Now.AddSeconds(10)))], Jobs.Now, CancellationToken.None);

        var stored = (await _store.GetAsync("t1", job.Id, CancellationToken.None))!;
        Assert.Equal(JobState.Retryable, stored.State);
        Assert.Equal([error], stored.Errors);
        Assert.Equal(Jobs.Now.AddSeconds(10), stored.RunAt);
        Assert.Null(stored.LeaseToken);
    }

    [Fact]
    public async Task Admission_SaturatedResource_DoesNotBlockResourceFreeJobsBehind()
    {
        await _store.InsertAsync(
            [Jobs.New(resources: ["llm"]), Jobs.New(resources: ["llm"]), Jobs.New(resources: ["llm"]), Jobs.New(), Jobs.New()],
            Jobs.Now,
            CancellationToken.None);

        var leased = await _store.LeaseAsync(Jobs.Lease("default", 10, admission: Jobs.Limit("llm", 1)), CancellationToken.None);

        Assert.Equal(3, leased.Count);
        Assert.Single(leased, j => j.Resources.Count == 1);
        var next = await _store.LeaseAsync(Jobs.Lease("default", 10, admission: Jobs.Limit("llm", 1)), CancellationToken.None);
        Assert.Empty(next);
    }

    [Fact]
    public async Task Admission_RateLimit_AdmitsPermitsPerWindow()
    {
        await _store.InsertAsync(Enumerable.Range(0, 5).Select(_ => Jobs.New(resources: ["api"])).ToList(), Jobs.Now, CancellationToken.None);
        var admission = Jobs.Limit("api", null, new RateLimit(2, TimeSpan.FromSeconds(10)));

        Assert.Equal(2, (await _store.LeaseAsync(Jobs.Lease("default", 10, admission: admission), CancellationToken.None)).Count);
        Assert.Empty(await _store.LeaseAsync(Jobs.Lease("default", 10, admission: admission, now: Jobs.Now.AddSeconds(5)), CancellationToken.None));
        Assert.Equal(2, (await _store.LeaseAsync(Jobs.Lease("default", 10, admission: admission, now: Jobs.Now.AddSeconds(10)), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task PauseResource_HoldsBackItsJobsUntilThen()
    {
        await _store.InsertAsync([Jobs.New(resources: ["llm"]), Jobs.New()], Jobs.Now, CancellationToken.None);
        await _store.PauseResourceAsync("llm", Jobs.Now.AddSeconds(30), "breaker open", CancellationToken.None);

        var leased = await _store.LeaseAsync(Jobs.Lease("default", 10), CancellationToken.None);

        Assert.Single(leased);
        Assert.Empty(leased[0].Resources);
        var usage = Assert.Single(await _store.GetResourceUsageAsync(Jobs.Now, CancellationToken.None));
        Assert.Equal(("llm", 1L, "breaker open"), (usage.Name, usage.Waiting, usage.PauseReason));
        Assert.Single(await _store.LeaseAsync(Jobs.Lease("default", 10, now: Jobs.Now.AddSeconds(30)), CancellationToken.None));
    }

    [Fact]
    public async Task Admission_TenantCap_LeavesOtherTenantsFree()
    {
        await _store.InsertAsync([Jobs.New(tenant: "a"), Jobs.New(tenant: "a"), Jobs.New(tenant: "b")], Jobs.Now, CancellationToken.None);

        var leased = await _store.LeaseAsync(Jobs.Lease("default", 10, admission: new Admission { TenantConcurrency = 1 }), CancellationToken.None);

        Assert.Equal(["a", "b"], leased.Select(j => j.Tenant).Order());
    }

    [Fact]
    public async Task PausedQueue_LeasesNothing()
    {
        await _store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None);
        await _store.SetQueuePausedAsync("default", true, CancellationToken.None);

        Assert.Empty(await _store.LeaseAsync(Jobs.Lease("default", 10), CancellationToken.None));
        Assert.Empty(await _store.LeaseAsync(Jobs.Lease("default", 10, admission: new Admission { TenantConcurrency = 5 }), CancellationToken.None));
        Assert.Equal(["default"], await _store.GetPausedQueuesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task CancelAndRetry_FollowTheStateMachine()
    {
        var ids = (await _store.InsertAsync([Jobs.New(), Jobs.New()], Jobs.Now, CancellationToken.None)).Select(r => r.Job.Id).ToArray();
        var running = (await _store.LeaseAsync(Jobs.Lease("default", 1), CancellationToken.None))[0];

        Assert.Equal(CancelStatus.Requested, (await _store.CancelAsync("t1", running.Id, Jobs.Now, CancellationToken.None)).Status);
        var beat = await _store.HeartbeatAsync([running.Lease], Jobs.Now.AddMinutes(1), CancellationToken.None);
        Assert.Equal([running.Id], beat.CancelRequested);
        var waiting = ids.Single(id => id != running.Id);
        Assert.Equal(CancelStatus.Cancelled, (await _store.CancelAsync("t1", waiting, Jobs.Now, CancellationToken.None)).Status);
        Assert.Equal(CancelStatus.AlreadyFinal, (await _store.CancelAsync("t1", waiting, Jobs.Now, CancellationToken.None)).Status);
        Assert.Equal(CancelStatus.NotFound, (await _store.CancelAsync("t2", waiting, Jobs.Now, CancellationToken.None)).Status);
        var retried = await _store.RetryAsync("t1", waiting, Jobs.Now, CancellationToken.None);
        Assert.Equal((RetryStatus.Retried, JobState.Available), (retried.Status, retried.Job!.State));
        Assert.Equal(RetryStatus.NotRetryable, (await _store.RetryAsync("t1", running.Id, Jobs.Now, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ListAndCount_ScopeByTenantAndPage()
    {
        await _store.InsertAsync([Jobs.New(), Jobs.New(), Jobs.New(), Jobs.New(tenant: "t2")], Jobs.Now, CancellationToken.None);

        var first = await _store.ListAsync(new JobQuery { Tenant = "t1", Limit = 2 }, CancellationToken.None);
        var second = await _store.ListAsync(new JobQuery { Tenant = "t1", Limit = 2, Before = first.NextCursor }, CancellationToken.None);

        Assert.Equal(2, first.Jobs.Count);
        Assert.True(first.Jobs[0].Id > first.Jobs[1].Id);
        Assert.Single(second.Jobs);
        Assert.Null(second.NextCursor);
        var counts = Assert.Single(await _store.CountByQueueAsync("t1", CancellationToken.None));
        Assert.Equal(3, counts[JobState.Available]);
        Assert.Equal(4, (await _store.CountByQueueAsync(null, CancellationToken.None))[0][JobState.Available]);
    }

    [Fact]
    public async Task ExpiredLeases_AndRelease_GiveTheAttemptBack()
    {
        await _store.InsertAsync([Jobs.New()], Jobs.Now, CancellationToken.None);
        var job = (await _store.LeaseAsync(Jobs.Lease("default", 1), CancellationToken.None))[0];

        Assert.Empty(await _store.GetExpiredLeasesAsync(Jobs.Now, 10, CancellationToken.None));
        Assert.Single(await _store.GetExpiredLeasesAsync(Jobs.Now.AddMinutes(6), 10, CancellationToken.None));
        await _store.CompleteAsync([new Completion(job.Lease, new JobOutcome.Released(Jobs.Now, "shutdown"))], Jobs.Now, CancellationToken.None);
        var stored = (await _store.GetAsync("t1", job.Id, CancellationToken.None))!;
        Assert.Equal((JobState.Available, 0), (stored.State, stored.Attempt));
    }

    [Fact]
    public async Task Prune_DeletesFinalJobsBeforeTheirCutoff()
    {
        await _store.InsertAsync([Jobs.New(), Jobs.New(queue: "keep")], Jobs.Now, CancellationToken.None);
        foreach (var queue in new[] { "default", "keep" })
        {
            var job = (await _store.LeaseAsync(Jobs.Lease(queue, 1), CancellationToken.None))[0];
            await _store.CompleteAsync([new Completion(job.Lease, new JobOutcome.Succeeded(null))], Jobs.Now, CancellationToken.None);
        }

        var pruned = await _store.PruneAsync(
            new PruneRequest(Jobs.Now.AddSeconds(1), new Dictionary<string, DateTimeOffset> { ["keep"] = Jobs.Now }, 100),
            CancellationToken.None);

        Assert.Equal(1, pruned);
    }

    [Fact]
    public async Task Nodes_BeatListAndForget()
    {
        await _store.BeatNodeAsync(new NodeInfo("n1", "all", "h1", Jobs.Now, Jobs.Now, false), CancellationToken.None);
        await _store.BeatNodeAsync(new NodeInfo("n2", "all", "h2", Jobs.Now, Jobs.Now.AddSeconds(30), true), CancellationToken.None);

        var alive = await _store.ListNodesAsync(Jobs.Now.AddSeconds(10), CancellationToken.None);

        Assert.Equal(["n2"], alive.Select(n => n.Id));
        await _store.RemoveNodeAsync("n2", CancellationToken.None);
        Assert.Empty(await _store.ListNodesAsync(Jobs.Now, CancellationToken.None));
    }
}
