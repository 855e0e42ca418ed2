using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Placement.Api.Http;

/// <summary>
/// JSON responses as upstream sends them: <c>application/json</c> with a Content-Length, snake_case, nulls kept,
/// json.dumps's separators.
/// </summary>
public static class JsonResponse
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new PythonFloatConverter() },
    };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Options.Encoder };

    public static IResult Ok(object body) => new Body(body, StatusCodes.Status200OK);

    public static IResult Created(object body) => new Body(body, StatusCodes.Status201Created);

    /// <summary><paramref name="value"/> as upstream's json.dumps would write it.</summary>
    public static ReadOnlyMemory<byte> Serialize(object value) => PythonJsonSeparators.Render(output =>
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        JsonSerializer.Serialize(writer, value, value.GetType(), Options);
    });

    private sealed class Body(object value, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = Serialize(value);
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = RequestChecks.Json;
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }

    /// <summary>
    /// From microversion 1.15 GET responses say when the data last changed and that it must not
    /// be cached (upstream: the newest updated_at/created_at, or now when nothing was read).
    /// </summary>
    public static void SetCacheHeaders(HttpContext http, DateTime? lastModifiedUtc)
    {
        if (!http.Microversion().IsAtLeast("1.15"))
        {
            return;
        }
        var when = lastModifiedUtc ?? DateTime.UtcNow;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.LastModified = DateTime.SpecifyKind(when, DateTimeKind.Utc)
            .ToString("R", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Writes a double as Python's json module does (its repr): <c>1.0</c> rather than <c>1</c>, and
/// <c>1e+16</c> rather than <c>1E+16</c>, so that e.g. allocation_ratio reads as upstream's.
/// </summary>
public sealed class PythonFloatConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
        writer.WriteRawValue(Format(value), skipInputValidation: true);

    /// <summary>Python's repr of a float: shortest round-trip digits, positional for exponents -4 to 15.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "Infinity" : "-Infinity") : (double.IsNegative(value) ? "-0.0" : "0.0");
        }
        // .NET's "R" has the same shortest digits as Python; only the layout differs.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var significant = digits.TrimStart('0');
        decimalPoint -= digits.Length - significant.Length;
        significant = significant.TrimEnd('0');

        var sign = value < 0 ? "-" : "";
        if (decimalPoint is > -4 and <= 16)
        {
            return sign + (decimalPoint <= 0
                ? "0." + new string('0', -decimalPoint) + significant
                : decimalPoint >= significant.Length
                    ? significant + new string('0', decimalPoint - significant.Length) + ".0"
                    : significant[..decimalPoint] + "." + significant[decimalPoint..]);
        }
        var scientific = decimalPoint - 1;
        return sign + significant[0] + (significant.Length > 1 ? "." + significant[1..] : "")
            + "e" + (scientific < 0 ? "-" : "+") + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
    }
}
