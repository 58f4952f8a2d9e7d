using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace Escala.Server.Cli;

/// <summary><c>escala workflows submit|get|cancel</c>: thin HTTP clients of a running node's <c>/v1/workflows</c>.</summary>
internal static class WorkflowCommands
{
    public static Command Create()
    {
        var workflows = new Command("workflows", "Submit, show and cancel workflows on a running node.");
        workflows.Subcommands.Add(SubmitCommand());
        workflows.Subcommands.Add(IdCommand("get", "Show a workflow: every step's state, job id and result.", (http, id, ct) => http.GetAsync($"/v1/workflows/{id}", ct)));
        workflows.Subcommands.Add(IdCommand("cancel", "Cancel a workflow: waiting steps are cancelled, running ones asked to stop.",
            (http, id, ct) => http.PostAsync($"/v1/workflows/{id}/cancel", new StringContent("{}", Encoding.UTF8, "application/json"), ct)));
        return workflows;
    }

    private static Command SubmitCommand()
    {
        var file = new Argument<string>("file") { Description = "The workflow as JSON (as POST /v1/workflows takes it); - reads standard input." };
        var url = ClientCommands.UrlOption();
        var apiKey = ClientCommands.KeyOption();
        var command = new Command("submit", "Submit a workflow from a JSON file and print it.") { file, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            string body;
            try
            {
                body = path == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path, ct);
                using var _ = JsonDocument.Parse(body);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                await Console.Error.WriteLineAsync($"{path}: {(ex is JsonException ? "not valid JSON: " : "")}{ex.Message}");
                return 2;
            }

            return await Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
            {
                using var http = ClientCommands.Client(parse.GetValue(url)!, parse.GetValue(apiKey));
                using var response = await http.PostAsync("/v1/workflows", new StringContent(body, Encoding.UTF8, "application/json"), ct);
                return await ClientCommands.PrintAsync(response, ct);
            });
        });
        return command;
    }

    private static Command IdCommand(string name, string description, Func<HttpClient, long, CancellationToken, Task<HttpResponseMessage>> call)
    {
        var id = new Argument<long>("id") { Description = "The workflow's id." };
        var url = ClientCommands.UrlOption();
        var apiKey = ClientCommands.KeyOption();
        var command = new Command(name, description) { id, url, apiKey };
        command.SetAction(async (parse, ct) => await Unreachable.GuardAsync(parse.GetValue(url)!, async () =>
        {
            using var http = ClientCommands.Client(parse.GetValue(url)!, parse.GetValue(apiKey));
            using var response = await call(http, parse.GetValue(id), ct);
            return await ClientCommands.PrintAsync(response, ct);
        }));
        return command;
    }
}
