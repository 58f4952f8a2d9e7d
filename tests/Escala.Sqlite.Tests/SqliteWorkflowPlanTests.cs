using Escala.Sqlite.Sql;

namespace Escala.Sqlite.Tests;

/// <summary>
/// The workflow statements that run while jobs complete or spawn read by index only: SQLite's query plan of each
/// names no full scan of <c>jobs</c>, <c>workflow_edges</c> or <c>workflows</c>, however many jobs the store keeps.
/// </summary>
public sealed class SqliteWorkflowPlanTests : SqliteStoreFixture
{
    private static readonly string[] Parameters = ["$id", "$token", "$now", "$workflow", "$n", "$failed", "$result", "$after", "$limit"];

    public static TheoryData<string> Statements => new()
    {
        WorkflowSql.Release,
        WorkflowSql.SkipBelow,
        WorkflowSql.CancelWaiting,
        WorkflowSql.RequestCancelRunning,
        WorkflowSql.Settle,
        WorkflowSql.Spawner,
        WorkflowSql.Dependents,
        WorkflowSql.AddPending,
        WorkflowSql.Parents,
        JobSql.Succeed,
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Plan_NoFullScan(string sql)
    {
        var plan = await Store.WriteAsync(context =>
        {
            using var explain = context.Adhoc("EXPLAIN QUERY PLAN " + sql);
            foreach (var name in Parameters)
            {
                explain.Parameters.AddWithValue(name, 1);
            }

            using var reader = explain.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(3));
            }

            return lines;
        }, CancellationToken.None);

        Assert.NotEmpty(plan);
        Assert.DoesNotContain(plan, line => line is "SCAN jobs" or "SCAN workflow_edges" or "SCAN workflows" || line.StartsWith("SCAN jobs ", StringComparison.Ordinal));
    }
}
