namespace Escala.Client;

/// <summary>What sort of fault a refused request has; the host maps it to its protocol (HTTP: 400, 413, 422, 409).</summary>
public enum JobRequestFault
{
    /// <summary>A value is malformed or out of range.</summary>
    Invalid,

    /// <summary>Too many jobs, or arguments too large.</summary>
    TooLarge,

    /// <summary>Names a queue or resource that is not configured.</summary>
    UnknownReference,

    /// <summary>Conflicts with what is stored: an idempotency key reused with another body.</summary>
    Conflict,
}
