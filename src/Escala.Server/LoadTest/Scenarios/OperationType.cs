namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// What a virtual user does in one operation. Extension point: a new type is one value here, its wire name in
/// <see cref="OperationTypes"/>, and one <c>IOperation</c> in <c>LoadTest/Operations</c>.
/// </summary>
public enum OperationType
{
    /// <summary><c>POST /v1/jobs?wait=</c>: submit and wait for the result in the same call; ok when the job completed.</summary>
    SubmitWait,

    /// <summary><c>POST /v1/jobs</c>: submit only; ok on 201/200. Latency is the acknowledgement.</summary>
    Submit,

    /// <summary><c>POST /v1/jobs</c>, then follow <c>GET /v1/jobs/{id}/events</c> to <c>done</c>; ok when the job completed.</summary>
    SubmitSse,

    /// <summary><c>GET /v1/jobs/{id}</c> of a job this run submitted (<c>GET /v1/queues</c> before there is one).</summary>
    Status,

    /// <summary><c>POST /v1/jobs/batch</c> with <c>batchSize</c> jobs; ok on 2xx. Latency is the acknowledgement.</summary>
    Batch,

    /// <summary>
    /// <c>POST /v1/workflows</c>: <c>fanOut</c> steps of the job side by side, then one that waits for them all; then
    /// <c>GET /v1/workflows/{id}/events</c> to <c>done</c>. Ok when the workflow completed.
    /// </summary>
    Workflow,
}
