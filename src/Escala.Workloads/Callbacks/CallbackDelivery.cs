namespace Escala.Workloads.Callbacks;

/// <summary>What became of one POST of a callback.</summary>
/// <param name="Delivered">The receiver answered 2xx.</param>
/// <param name="Permanent">Not worth retrying: the egress policy refused the address.</param>
/// <param name="Error">Status or cause, never the receiver's body.</param>
public sealed record CallbackDelivery(bool Delivered, bool Permanent, string? Error)
{
    /// <summary>Delivered.</summary>
    public static CallbackDelivery Ok { get; } = new(true, false, null);
}
