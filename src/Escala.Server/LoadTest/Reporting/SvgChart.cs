using System.Globalization;
using System.Net;
using System.Text;

namespace Escala.Server.LoadTest.Reporting;

/// <summary>A line chart as inline SVG: no script, no CDN, readable offline and in any browser.</summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int Height = 220;
    private const int Left = 64;
    private const int Right = 12;
    private const int Top = 24;
    private const int Bottom = 36;

    private static readonly double[] Steps = [1, 2, 5, 10];

    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <summary>One line; a null y is a gap (nothing finished that second).</summary>
    public sealed record Series(string Label, string Color, IReadOnlyList<(double X, double? Y)> Points, bool Dashed = false);

    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<Series> series)
    {
        var c = CultureInfo.InvariantCulture;
        var xs = series.SelectMany(s => s.Points.Select(p => p.X)).DefaultIfEmpty(0).ToList();
        var ys = series.SelectMany(s => s.Points.Select(p => p.Y)).OfType<double>().Where(y => !double.IsNaN(y)).DefaultIfEmpty(0).ToList();
        var xMax = Math.Max(1, xs.Max());
        var yMax = Nice(Math.Max(ys.Max(), 1e-9));
        double X(double x) => Left + x / xMax * (Width - Left - Right);
        double Y(double y) => Height - Bottom - y / yMax * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height + 18 * ((series.Count + 3) / 4)}\" role=\"img\" aria-label=\"{Encode(title)}\">");
        svg.Append(c, $"<text x=\"{Left}\" y=\"15\" font-weight=\"bold\">{Encode(title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var value = yMax * i / 4;
            svg.Append(c, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(value):0.#}\" y2=\"{Y(value):0.#}\" stroke=\"#ddd\"/>");
            svg.Append(c, $"<text x=\"{Left - 6}\" y=\"{Y(value) + 4:0.#}\" text-anchor=\"end\" font-size=\"11\">{value.ToString(value < 10 ? "0.##" : "0", c)}</text>");
        }

        for (var i = 0; i <= 5; i++)
        {
            var value = xMax * i / 5;
            svg.Append(c, $"<text x=\"{X(value):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\" font-size=\"11\">{value:0}</text>");
        }

        svg.Append(c, $"<text x=\"{(Left + Width) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\" font-size=\"11\">{Encode(xLabel)}</text>");
        svg.Append(c, $"<text x=\"12\" y=\"{(Top + Height - Bottom) / 2}\" font-size=\"11\" transform=\"rotate(-90 12 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\">{Encode(yLabel)}</text>");
        foreach (var s in series)
        {
            foreach (var run in Runs(s.Points))
            {
                if (run.Count == 1)
                {
                    svg.Append(c, $"<circle cx=\"{X(run[0].X):0.#}\" cy=\"{Y(run[0].Y):0.#}\" r=\"2.5\" fill=\"{s.Color}\"/>");
                    continue;
                }

                var points = string.Join(' ', run.Select(p => $"{X(p.X).ToString("0.#", c)},{Y(p.Y).ToString("0.#", c)}"));
                svg.Append(c, $"<polyline fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"1.6\"{(s.Dashed ? " stroke-dasharray=\"4 3\"" : "")} points=\"{points}\"/>");
            }
        }

        for (var i = 0; i < series.Count; i++)
        {
            var (lx, ly) = (Left + (i % 4) * 175, Height + 4 + (i / 4) * 18);
            svg.Append(c, $"<rect x=\"{lx}\" y=\"{ly}\" width=\"12\" height=\"4\" fill=\"{series[i].Color}\"/><text x=\"{lx + 16}\" y=\"{ly + 6}\" font-size=\"11\">{Encode(series[i].Label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Consecutive points with a value; a gap splits the line.</summary>
    private static IEnumerable<List<(double X, double Y)>> Runs(IReadOnlyList<(double X, double? Y)> points)
    {
        var run = new List<(double, double)>();
        foreach (var (x, y) in points)
        {
            if (y is { } value && !double.IsNaN(value))
            {
                run.Add((x, value));
            }
            else if (run.Count > 0)
            {
                yield return run;
                run = [];
            }
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    /// <summary>The next 1, 2 or 5 × 10^n at or above <paramref name="value"/>.</summary>
    private static double Nice(double value)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return Steps.Select(m => m * power).First(n => n >= value);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
