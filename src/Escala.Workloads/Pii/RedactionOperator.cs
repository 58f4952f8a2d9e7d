namespace Escala.Workloads.Pii;

/// <summary>What redaction does to one entity.</summary>
public enum RedactionOperator
{
    /// <summary>Replace with the type tag: <c>[CPF]</c>.</summary>
    Tag = 0,

    /// <summary>Replace every letter and digit but the last N with <c>*</c>, keeping the mask: <c>***.***.***-09</c>.</summary>
    Mask,

    /// <summary>Replace with a keyed hash of the value (HMAC-SHA256), stable per value: <c>[CPF:3f9a0c1d2e4b]</c>.</summary>
    Hash,

    /// <summary>Delete the value.</summary>
    Remove,

    /// <summary>Leave the value as it is (report it only).</summary>
    Keep,
}
