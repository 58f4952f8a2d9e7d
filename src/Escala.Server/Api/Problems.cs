using Escala.Client;

namespace Escala.Server.Api;

/// <summary>RFC 9457 problem details for every refusal: a title, a detail, and the fields at fault.</summary>
public static class Problems
{
    /// <summary>A job request the engine refused: 400 malformed, 413 too large, 422 unknown queue or resource.</summary>
    public static IResult Validation(JobValidationException ex) =>
        Results.Problem(statusCode: StatusOf(ex.Fault), title: ex.Title, detail: ex.Message,
            extensions: new Dictionary<string, object?> { ["errors"] = ex.Errors });

    public static IResult Field(int status, string field, string message) =>
        Results.Problem(statusCode: status, title: status == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Invalid request",
            detail: $"{field}: {message}", extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });

    public static IResult From(ApiProblemException ex) => Field(ex.Status, ex.Field, ex.Detail);

    public static int StatusOf(JobRequestFault fault) => fault switch
    {
        JobRequestFault.TooLarge => StatusCodes.Status413PayloadTooLarge,
        JobRequestFault.UnknownReference => StatusCodes.Status422UnprocessableEntity,
        JobRequestFault.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} does not exist.");

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static IResult Unavailable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable", detail: detail);
}
