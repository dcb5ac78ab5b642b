"""Reading XML-RPC requests safely and writing XML-RPC responses, for Pingback.

The body is parsed by defusedxml's expat parser with DTDs forbidden, so a document
with a DOCTYPE (such as the "billion laughs" entity bomb) is rejected before any entity
is declared or expanded. xmlrpc.client's Unmarshaller turns the parse events into
Python values, as xmlrpc.client.loads() would, but without patching that module for
the whole process.
"""

import xmlrpc.client
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser

MAX_BODY_BYTES = 64 * 1024


class XMLRPCError(ValueError):
    """A request body that is not a usable XML-RPC call; the message states why."""


def parse_call(body: bytes) -> tuple[str, tuple]:
    """Return (method name, parameters) of an XML-RPC call in `body`."""
    if len(body) > MAX_BODY_BYTES:
        raise XMLRPCError(f"The request is larger than {MAX_BODY_BYTES:,} bytes.")
    if not body.strip():
        raise XMLRPCError("The request body is empty; send an XML-RPC methodCall.")
    unmarshaller = xmlrpc.client.Unmarshaller(use_builtin_types=True)
    parser = DefusedExpatParser(unmarshaller, forbid_dtd=True)
    try:
        parser.feed(body)
        parser.close()
        params = unmarshaller.close()
    except DefusedXmlException:
        raise XMLRPCError(
            "The request contains a DOCTYPE or entity declaration, which is not accepted."
        ) from None
    except ExpatError as error:
        raise XMLRPCError(f"The request is not well-formed XML ({error}).") from None
    except (xmlrpc.client.ResponseError, ValueError, TypeError, IndexError, KeyError):
        # The Unmarshaller raises these on values that do not fit their declared type
        # and on documents that are not a methodCall.
        raise XMLRPCError("The request is not a valid XML-RPC methodCall.") from None
    method = unmarshaller.getmethodname()
    if not method:
        raise XMLRPCError("The request is not an XML-RPC methodCall: it names no method.")
    return method, params


def success(value: str) -> bytes:
    return xmlrpc.client.dumps((value,), methodresponse=True, allow_none=False).encode()


def fault(code: int, message: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True).encode()
