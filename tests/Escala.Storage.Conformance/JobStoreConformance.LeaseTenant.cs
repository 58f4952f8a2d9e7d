using Escala.Governance;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

// LeaseRequest.Tenant: an external worker acting for one tenant leases only that tenant's jobs.
public abstract partial class JobStoreConformance
{
    private Task<IReadOnlyList<Job>> LeaseForTenantAsync(string tenant, Admission admission) =>
        Store.LeaseAsync(new LeaseRequest
        {
            Queue = "default",
            Tenant = tenant,
            Holder = "worker:t",
            Max = 10,
            Now = T0,
            LeaseFor = LeaseFor,
            Admission = admission,
        }, Ct);

    [Fact]
    public async Task Lease_ForOneTenant_LeavesOtherTenantsJobs()
    {
        var other = await InsertOneAsync(NewJob(tenant: "t2", priority: 10));
        var mine = await InsertOneAsync(NewJob(tenant: "t1"));

        var leased = await LeaseForTenantAsync("t1", Admission.None);

        Assert.Equal([mine.Id], leased.Select(j => j.Id));
        Assert.Equal(JobState.Available, (await Store.GetAsync("t2", other.Id, Ct))!.State);
    }

    [Fact]
    public async Task Lease_ForOneTenantUnderAdmission_LeavesOtherTenantsJobs()
    {
        var admission = Limits(Limit("llm", concurrency: 5));
        var other = await InsertOneAsync(NewJob(tenant: "t2", priority: 10, resources: ["llm"]));
        var mine = await InsertOneAsync(NewJob(tenant: "t1", resources: ["llm"]));

        var leased = await LeaseForTenantAsync("t1", admission);

        Assert.Equal([mine.Id], leased.Select(j => j.Id));
        Assert.Equal(JobState.Available, (await Store.GetAsync("t2", other.Id, Ct))!.State);
    }
}
