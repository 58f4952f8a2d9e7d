using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

// LeaseRequest.Kinds: a node leases only what it has handlers for; an external worker only what it asked for.
public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Lease_Kinds_LeasesOnlyThoseKindsAndSkipsOthersAtTheHead()
    {
        // Other kinds first in lease order: they must not stop the wanted ones behind them.
        var external = await InsertAsync(
            NewJob(kind: "ocr", priority: 5), NewJob(kind: "ocr", priority: 5), NewJob(kind: "upper", priority: 5));
        var mine = await InsertAsync(NewJob(kind: "noop"), NewJob(kind: "http"));

        var leased = await LeaseAsync(max: 10, kinds: ["noop", "http"]);

        Assert.Equal(mine.Select(j => j.Id).Order(), leased.Select(j => j.Id).Order());
        foreach (var job in external)
        {
            Assert.Equal(JobState.Available, (await GetAsync(job.Id)).State);
        }

        var rest = await LeaseAsync(max: 10, kinds: ["ocr"]);
        Assert.Equal(external.Take(2).Select(j => j.Id), rest.Select(j => j.Id));
    }

    [Fact]
    public async Task Lease_KindsUnderAdmission_LeasesOnlyThoseKinds()
    {
        await InsertAsync(NewJob(kind: "ocr", resources: ["llm"]), NewJob(kind: "ocr"));
        var wanted = await InsertOneAsync(NewJob(kind: "noop", resources: ["llm"]));
        var admission = new Governance.Admission
        {
            Resources = new Dictionary<string, Governance.ResourceLimit>
            {
                ["llm"] = new("llm", 5, null, Governance.BreakerGate.Closed),
            },
        };

        var leased = await LeaseAsync(max: 10, admission: admission, kinds: ["noop"]);

        Assert.Equal(wanted.Id, Assert.Single(leased).Id);
    }

    [Fact]
    public async Task Lease_NoKinds_LeasesEveryKind()
    {
        await InsertAsync(NewJob(kind: "ocr"), NewJob(kind: "noop"));

        Assert.Equal(2, (await LeaseAsync(max: 10)).Count);
    }

    private IWorkerKindsStore WorkerKinds => Assert.IsAssignableFrom<IWorkerKindsStore>(Store);

    [Fact]
    public async Task IsKindServed_RecordedKindsWithinTheWindow_OnlyThoseQueuesAndKinds()
    {
        await WorkerKinds.RecordKindsAsync("ocr", ["scan", "read"], T0, Ct);
        await WorkerKinds.RecordKindsAsync("ocr", ["scan"], T0.AddMinutes(-10), Ct);

        Assert.True(await WorkerKinds.IsKindServedAsync("ocr", "scan", T0.AddMinutes(-1), Ct));
        Assert.True(await WorkerKinds.IsKindServedAsync("ocr", "read", T0, Ct));
        Assert.False(await WorkerKinds.IsKindServedAsync("ocr", "scan", T0.AddSeconds(1), Ct));
        Assert.False(await WorkerKinds.IsKindServedAsync("ocr", "other", T0.AddMinutes(-1), Ct));
        Assert.False(await WorkerKinds.IsKindServedAsync("mail", "scan", T0.AddMinutes(-1), Ct));
    }

    [Fact]
    public async Task IsKindServed_WorkerTakingEveryKind_ServesAnyKindOfItsQueue()
    {
        await WorkerKinds.RecordKindsAsync("ocr", null, T0, Ct);

        Assert.True(await WorkerKinds.IsKindServedAsync("ocr", "anything", T0, Ct));
        Assert.False(await WorkerKinds.IsKindServedAsync("mail", "anything", T0, Ct));
    }
}
