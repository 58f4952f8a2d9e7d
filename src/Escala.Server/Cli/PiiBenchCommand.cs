using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Escala.Workloads.Pii;
using Escala.Workloads.Pii.Corpus;

namespace Escala.Server.Cli;

/// <summary>
/// <c>escala pii bench</c>: the detector's speed on realistic text (generated corpus documents, concatenated), one
/// thread; with <c>--file-mb N</c> also a streamed scan of a generated N MB file, reporting peak memory.
/// </summary>
internal static class PiiBenchCommand
{
    public static Command Create()
    {
        var mb = new Option<int>("--mb") { Description = "Megabytes of text scanned in memory. Defaults to 64.", DefaultValueFactory = _ => 64 };
        var file = new Option<int>("--file-mb") { Description = "Instead: write a file of this many MB to the temp folder and stream it, reporting memory (0: skip). Defaults to 0.", DefaultValueFactory = _ => 0 };
        var command = new Command("bench", "Measure the detector: MB/s on one core, and memory while streaming a large file.") { mb, file };
        command.SetAction(async (parse, ct) =>
        {
            var sample = Sample();
            if (parse.GetValue(file) is > 0 and var fileOnly)
            {
                await StreamFileAsync(sample, fileOnly, ct); // alone, so that its memory figures are its own
                return 0;
            }

            var text = Repeat(sample, parse.GetValue(mb) * 1_000_000);
            var bytes = Encoding.UTF8.GetByteCount(text);
            _ = PiiDetector.Default.Scan(text[..Math.Min(text.Length, 2_000_000)]); // warm-up
            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            var count = 0;
            using var self = Process.GetCurrentProcess();
            for (var run = 0; run < 5; run++)
            {
                self.Refresh();
                var cpu = self.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                count = PiiDetector.Default.Scan(text).Count;
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
                self.Refresh();
                bestCpu = Math.Min(bestCpu, (self.TotalProcessorTime - cpu).TotalSeconds);
            }

            // CPU time is what "per core" means on a shared machine: wall time also counts the time other processes held the core.
            Console.WriteLine($"in memory: {bytes / 1e6:0.0} MB UTF-8 ({text.Length / 1e6:0.0} M chars), {count} entities, one thread, best of 5: " +
                              $"{bytes / 1e6 / bestCpu:0.0} MB per CPU-second ({bestCpu:0.00} s CPU), {bytes / 1e6 / best:0.0} MB/s wall ({best:0.00} s)");
            return 0;
        });
        return command;
    }

    private static string Sample()
    {
        var builder = new StringBuilder();
        foreach (var doc in new CorpusGenerator(11).Generate(2000))
        {
            builder.Append(doc.Text).Append("\n\n");
        }

        return builder.ToString();
    }

    private static string Repeat(string sample, int chars)
    {
        var builder = new StringBuilder(chars + sample.Length);
        while (builder.Length < chars)
        {
            builder.Append(sample);
        }

        return builder.ToString();
    }

    private static async Task StreamFileAsync(string sample, int megabytes, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"escala-pii-bench-{Environment.ProcessId}.txt");
        try
        {
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
            {
                long written = 0;
                while (written < megabytes * 1_000_000L)
                {
                    await writer.WriteAsync(sample.AsMemory(), ct);
                    written += Encoding.UTF8.GetByteCount(sample);
                }
            }

            var size = new FileInfo(path).Length;
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.WorkingSet64;
            long peak = before;
            long peakHeap = GC.GetTotalMemory(false);
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            using var reader = new StreamReader(path, Encoding.UTF8, false, new FileStreamOptions { BufferSize = 1 << 16 });
            var policy = RedactionPolicy.WithRandomKey();
            var (entities, _) = await new PiiStreamScanner(PiiDetector.Default).ScanAsync(reader, TextWriter.Null, policy, null, _ =>
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            }, PiiDefaults.Threshold, ct);
            var seconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"streamed file: {size / 1e6:0.0} MB, {entities} entities, {size / 1e6 / cpuSeconds:0.0} MB per CPU-second, {size / 1e6 / seconds:0.0} MB/s wall " +
                              $"(reading UTF-8, scanning, redacting to a null writer); working set {before / 1e6:0} MB before, peak {peak / 1e6:0} MB during; " +
                              $"managed heap peak {peakHeap / 1e6:0} MB");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
