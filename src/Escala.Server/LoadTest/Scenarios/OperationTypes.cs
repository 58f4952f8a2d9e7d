namespace Escala.Server.LoadTest.Scenarios;

/// <summary>Wire names of <see cref="OperationType"/> in scenario files, and the ones reserved for later.</summary>
public static class OperationTypes
{
    public static IReadOnlyDictionary<string, OperationType> ByName { get; } = new Dictionary<string, OperationType>(StringComparer.Ordinal)
    {
        ["submit-wait"] = OperationType.SubmitWait,
        ["submit"] = OperationType.Submit,
        ["submit-sse"] = OperationType.SubmitSse,
        ["status"] = OperationType.Status,
        ["batch"] = OperationType.Batch,
        ["workflow"] = OperationType.Workflow,
    };

    /// <summary>Types a scenario may name that Escala cannot run yet, with why (none today).</summary>
    public static IReadOnlyDictionary<string, string> NotYet { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
