using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Get_OtherTenant_ReturnsNull()
    {
        var job = await InsertOneAsync(NewJob(tenant: "t1"));

        Assert.Null(await Store.GetAsync("t2", job.Id, Ct));
        Assert.NotNull(await Store.GetAsync("t1", job.Id, Ct));
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync("t1", 987_654, Ct));
    }

    [Fact]
    public async Task List_OnlyTenantsJobs_NewestFirst()
    {
        var mine = await InsertAsync(NewJob(), NewJob(), NewJob());
        await InsertAsync(NewJob(tenant: "t2"));

        var page = await Store.ListAsync(new JobQuery { Tenant = "t1" }, Ct);

        Assert.Equal(mine.Select(job => job.Id).Reverse(), page.Jobs.Select(job => job.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task List_Filters_QueueStateKind()
    {
        var a = await InsertOneAsync(NewJob(queue: "a", kind: "k1"));
        var b = await InsertOneAsync(NewJob(queue: "b", kind: "k2"));
        await InsertOneAsync(NewJob(queue: "b", kind: "k1", runAt: T0.AddHours(1)));

        Assert.Equal([a.Id], (await Store.ListAsync(new JobQuery { Tenant = "t1", Queue = "a" }, Ct)).Jobs.Select(job => job.Id));
        Assert.Equal([b.Id], (await Store.ListAsync(new JobQuery { Tenant = "t1", Queue = "b", State = JobState.Available }, Ct)).Jobs.Select(job => job.Id));
        Assert.Equal([b.Id], (await Store.ListAsync(new JobQuery { Tenant = "t1", Kind = "k2" }, Ct)).Jobs.Select(job => job.Id));
        Assert.Equal(2, (await Store.ListAsync(new JobQuery { Tenant = "t1", Kind = "k1" }, Ct)).Jobs.Count);
    }

    [Fact]
    public async Task List_CursorPages_CoverAllJobsOnce()
    {
        var inserted = await InsertAsync(Enumerable.Range(0, 7).Select(_ => NewJob()).ToArray());
        var seen = new List<long>();
        long? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ListAsync(new JobQuery { Tenant = "t1", Limit = 3, Before = cursor }, Ct);
            Assert.True(page.Jobs.Count <= 3);
            seen.AddRange(page.Jobs.Select(job => job.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(inserted.Select(job => job.Id).OrderDescending(), seen);
    }

    [Fact]
    public async Task List_ExactlyOnePageOfJobs_NoNextCursor()
    {
        await InsertAsync(NewJob(), NewJob());

        var page = await Store.ListAsync(new JobQuery { Tenant = "t1", Limit = 2 }, Ct);

        Assert.Equal(2, page.Jobs.Count);
        Assert.Null(page.NextCursor);
    }
}
