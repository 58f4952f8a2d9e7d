using System.CommandLine;
using System.Text;
using System.Text.Json;
using Escala.Workloads.Pii;

namespace Escala.Server.Cli;

/// <summary>
/// <c>escala pii scan FILE|-</c>: streams a file of any size through the detector in fixed memory, writes the redacted
/// text (standard output or <c>--output</c>), optionally the entities as JSON lines, and draws a progress bar on
/// standard error when it is a terminal.
/// </summary>
internal static class PiiScanCommand
{
    /// <summary>The environment variable holding the HMAC key of the <c>hash</c> operator.</summary>
    public const string HashKeyVariable = "ESCALA_Pii__HashKey";

    public static Command Create()
    {
        var input = new Argument<string>("file") { Description = "The text file to scan, '-' for standard input (UTF-8)." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the redacted text. Defaults to standard output." };
        var entities = new Option<string?>("--entities") { Description = "Also write each entity as a JSON line to this file." };
        var threshold = new Option<double>("--threshold") { Description = "Lowest score reported. Defaults to 0.5.", DefaultValueFactory = _ => PiiDefaults.Threshold };
        var op = new Option<string>("--operator") { Description = "tag (default), mask, mask:N, hash, remove or keep, for every type.", DefaultValueFactory = _ => "tag" };
        var per = new Option<string[]>("--type-operator") { Description = "TYPE=OPERATOR for one type, e.g. cpf=mask:2 (repeatable).", AllowMultipleArgumentsPerToken = true };
        var progress = new Option<bool>("--progress") { Description = "Draw the progress bar even when standard error is not a terminal." };
        var command = new Command("scan", "Find and redact personal data in a file, streaming it in fixed memory.") { input, output, entities, threshold, op, per, progress };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryPolicy(parse.GetValue(op)!, parse.GetValue(per) ?? [], out var policy, out var error))
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }

            var path = parse.GetValue(input)!;
            long total = -1;
            TextReader reader;
            try
            {
                if (path == "-")
                {
                    reader = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
                }
                else
                {
                    total = new FileInfo(path).Length;
                    reader = new StreamReader(path, Encoding.UTF8, true, new FileStreamOptions { BufferSize = 1 << 16 });
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"cannot read {path}: {ex.Message}");
                return 2;
            }

            using var _ = reader;
            await using var writer = parse.GetValue(output) is { } o
                ? new StreamWriter(o, false, new UTF8Encoding(false), 1 << 16)
                : new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
            await using var entityWriter = parse.GetValue(entities) is { } e ? new StreamWriter(e, false, new UTF8Encoding(false)) : null;
            var bar = parse.GetValue(progress) || !Console.IsErrorRedirected;
            var scanner = new PiiStreamScanner(PiiDetector.Default);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (found, chars) = await scanner.ScanAsync(
                reader, writer, policy,
                entityWriter is null ? null : entity => entityWriter.WriteLine(JsonSerializer.Serialize(entity, PiiJson.Options)),
                bar ? read => DrawProgress(read, total, started.Elapsed) : null,
                parse.GetValue(threshold), ct);
            if (bar)
            {
                Console.Error.WriteLine();
            }

            await Console.Error.WriteLineAsync($"{found} entities in {chars} characters, {started.Elapsed.TotalSeconds:0.0}s");
            return 0;
        });
        return command;
    }

    /// <summary>Builds a policy from a default operator and TYPE=OPERATOR pairs; the hash key comes from <see cref="HashKeyVariable"/>.</summary>
    internal static bool TryPolicy(string defaultOperator, IEnumerable<string> perType, out RedactionPolicy policy, out string error)
    {
        error = "";
        policy = null!;
        if (!RedactionRule.TryParse(defaultOperator, out var rule))
        {
            error = $"--operator '{defaultOperator}' is not one of tag, mask, mask:N, hash, remove, keep.";
            return false;
        }

        var key = Environment.GetEnvironmentVariable(HashKeyVariable);
        policy = key is { Length: > 0 } ? new RedactionPolicy(Encoding.UTF8.GetBytes(key), rule) : RedactionPolicy.WithRandomKey(rule);
        foreach (var pair in perType)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !PiiTypes.IsKnown(parts[0]) || !RedactionRule.TryParse(parts[1], out var typeRule))
            {
                error = $"--type-operator '{pair}' must be TYPE=OPERATOR with TYPE one of {string.Join(", ", PiiTypes.All)}.";
                return false;
            }

            policy.Set(parts[0], typeRule);
        }

        return true;
    }

    private static void DrawProgress(long chars, long totalBytes, TimeSpan elapsed)
    {
        var mb = chars / 1e6;
        var rate = mb / Math.Max(elapsed.TotalSeconds, 1e-3);
        if (totalBytes > 0)
        {
            var fraction = Math.Min(1.0, chars / (double)totalBytes);
            var filled = (int)(fraction * 30);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0} {mb:0.0} M chars {rate:0.0} M/s ");
        }
        else
        {
            Console.Error.Write($"\r{mb:0.0} M chars {rate:0.0} M/s ");
        }
    }
}
