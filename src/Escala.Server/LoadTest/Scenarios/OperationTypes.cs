namespace Escala.Server.LoadTest.Scenarios;

/// <summary>Wire names of <see cref="OperationType"/> in scenario files.</summary>
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
}
