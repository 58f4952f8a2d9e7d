namespace Escala.Governance;

/// <summary>
/// A change one node asks of a resource's shared adaptive limit (<see cref="Storage.IAdaptiveLimitStore"/>): add
/// <paramref name="Add"/>, or, when <paramref name="Factor"/> is below 1, multiply by it — only if no node has cut the
/// limit since <paramref name="Since"/> (the earliest start of the attempts that showed the overload), so one overload
/// seen by many nodes or many attempts cuts the limit once.
/// </summary>
/// <param name="Reason">Why, for the log line: <c>latency</c>, <c>overload</c> (429, timeout) or <c>increase</c>.</param>
public readonly record struct LimitAdjustment(double Add, double Factor, DateTimeOffset Since, string Reason)
{
    public bool IsDecrease => Factor < 1;
}
