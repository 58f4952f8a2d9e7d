using System.CommandLine;
using Escala.Workloads.Pii;
using Escala.Workloads.Pii.Corpus;

namespace Escala.Server.Cli;

/// <summary><c>escala pii scan|eval|corpus|bench</c>: the PII detector from the command line, no server needed.</summary>
internal static class PiiCommands
{
    public static Command Create() => new("pii", "Find and redact Brazilian personal data (LGPD) in text, measure the detector.")
    {
        PiiScanCommand.Create(),
        Eval(),
        WriteCorpus(),
        PiiBenchCommand.Create(),
    };

    private static Command Eval()
    {
        var corpus = new Option<string?>("--corpus") { Description = "A JSONL corpus file (see README: PII corpus format). Defaults to a generated corpus." };
        var count = new Option<int>("--count") { Description = "Documents to generate when no corpus is given. Defaults to 2000.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Generator seed. Defaults to 7.", DefaultValueFactory = _ => 7 };
        var threshold = new Option<double>("--threshold") { Description = "Lowest score reported. Defaults to 0.5.", DefaultValueFactory = _ => PiiDefaults.Threshold };
        var utf16 = new Option<bool>("--utf16-offsets") { Description = "The corpus's offsets are UTF-16 code units, not code points." };
        var errors = new Option<int>("--show-errors") { Description = "Print up to N misses and false alarms with their context." };
        var command = new Command("eval", "Span-exact and overlap precision, recall and F2 per entity type.") { corpus, count, seed, threshold, utf16, errors };
        command.SetAction(async (parse, ct) =>
        {
            var evaluator = new PiiEvaluator(PiiDetector.Default, parse.GetValue(threshold));
            var shown = 0;
            var limit = parse.GetValue(errors);
            void Show(LabelledDocument doc, IReadOnlyList<PiiEntity> predicted)
            {
                foreach (var g in doc.Entities)
                {
                    if (shown < limit && !predicted.Any(p => p.Type == g.Type && p.Start == g.Start && p.End == g.End))
                    {
                        shown++;
                        Console.WriteLine($"MISS {g.Type} [{Snippet(doc.Text, g.Start, g.End)}] got: {string.Join(",", predicted.Where(p => p.Start < g.End && g.Start < p.End).Select(p => $"{p.Type}[{Snippet(doc.Text, (int)p.Start, (int)p.End)}]"))}");
                    }
                }

                foreach (var p in predicted)
                {
                    if (PiiTypes.CheckDigitTypes.Contains(p.Type) && !PiiEvaluator.CheckDigitsHold(p.Type, doc.Text.AsSpan((int)p.Start, (int)(p.End - p.Start))))
                    {
                        Console.WriteLine($"INVALID {p.Type} [{Snippet(doc.Text, (int)p.Start, (int)p.End)}]");
                    }

                    if (shown < limit && !doc.Entities.Any(g => p.Type == g.Type && p.Start == g.Start && p.End == g.End))
                    {
                        shown++;
                        Console.WriteLine($"FALSE {p.Type} {p.Score:0.00} [{Snippet(doc.Text, (int)p.Start, (int)p.End)}]");
                    }
                }
            }

            EvalReport report;
            try
            {
                if (parse.GetValue(corpus) is { } path)
                {
                    using var reader = new StreamReader(path, CorpusFile.Utf8);
                    report = await evaluator.EvaluateAsync(CorpusFile.ReadAsync(reader, parse.GetValue(utf16)), Show);
                }
                else
                {
                    var generated = new CorpusGenerator(parse.GetValue(seed)).Generate(parse.GetValue(count)).ToAsyncEnumerable();
                    report = await evaluator.EvaluateAsync(generated, Show);
                }
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            Console.Write(report.Format());
            return 0;
        });
        return command;
    }

    private static string Snippet(string text, int start, int end)
    {
        var from = Math.Max(0, start - 30);
        var to = Math.Min(text.Length, end + 10);
        return (text[from..start] + "«" + text[start..end] + "»" + text[end..to]).ReplaceLineEndings("⏎");
    }

    private static Command WriteCorpus()
    {
        var output = new Argument<string>("file") { Description = "Where to write the JSONL corpus ('-' for standard output)." };
        var count = new Option<int>("--count") { Description = "Documents. Defaults to 2000.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Generator seed. Defaults to 7.", DefaultValueFactory = _ => 7 };
        var command = new Command("corpus", "Write a generated, labelled corpus (four levels: clean, unmasked, noisy, adversarial).") { output, count, seed };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(output)!;
            var documents = new CorpusGenerator(parse.GetValue(seed)).Generate(parse.GetValue(count));
            if (path == "-")
            {
                await CorpusFile.WriteAsync(Console.Out, documents, ct);
                return 0;
            }

            await using var writer = new StreamWriter(path, false, CorpusFile.Utf8);
            await CorpusFile.WriteAsync(writer, documents, ct);
            return 0;
        });
        return command;
    }
}
