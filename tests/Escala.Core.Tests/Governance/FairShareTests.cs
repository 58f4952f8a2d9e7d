using Escala.Governance;

namespace Escala.Core.Tests.Governance;

public sealed class FairShareTests
{
    private static readonly FairGroup A = new("t1", "user:a");
    private static readonly FairGroup B = new("t1", "user:b");
    private static readonly FairGroup C = new("t2", null);
    private static readonly Dictionary<string, int> NoWeights = [];

    private static (FairGroup Group, int N)[] Candidates(params (FairGroup Group, int Count)[] groups) =>
        [.. groups.SelectMany(g => Enumerable.Range(0, g.Count).Select(n => (g.Group, n)))];

    private static List<FairGroup> Order(
        (FairGroup Group, int N)[] candidates, Dictionary<FairGroup, long>? running = null, Dictionary<string, int>? weights = null, FairGroup? last = null) =>
        [.. FairShare.Order(candidates, c => c.Group, running ?? [], weights ?? NoWeights, last).Select(c => c.Group)];

    [Fact]
    public void Order_NothingRunning_TakesTurnsOneByOne()
    {
        Assert.Equal([A, B, C, A, B, A], Order(Candidates((A, 3), (B, 2), (C, 1))));
    }

    [Fact]
    public void Order_GroupWithItsSlotsFull_ComesAfterGroupsRunningLess()
    {
        Assert.Equal([B, B, A], Order(Candidates((A, 1), (B, 2)), running: new() { [A] = 4, [B] = 2 }));
    }

    [Fact]
    public void Order_KeepsLeaseOrderWithinAGroup()
    {
        var ordered = FairShare.Order(Candidates((A, 3), (B, 1)), c => c.Group, new Dictionary<FairGroup, long>(), NoWeights);

        Assert.Equal([0, 1, 2], ordered.Where(c => c.Group == A).Select(c => c.N));
    }

    [Fact]
    public void Order_Weights_GiveATenantMoreTurns()
    {
        var heavy = new FairGroup("t2", null);

        var ordered = Order(Candidates((A, 4), (heavy, 4)), weights: new() { ["t2"] = 3 });

        Assert.Equal(3, ordered.Take(4).Count(g => g == heavy));
    }

    [Fact]
    public void Order_Ties_StartAfterTheGroupServedLast()
    {
        Assert.Equal([C, A, B], Order(Candidates((A, 1), (B, 1), (C, 1)), last: B));
    }

    [Fact]
    public void Order_GroupServedLastIsGone_StartsFromTheFirst()
    {
        Assert.Equal([A, B], Order(Candidates((A, 1), (B, 1)), last: C));
    }
}
