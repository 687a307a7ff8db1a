// The parts of the system's libxml2 LienThong uses: parsing a document, XML Schema validation and
// canonical XML (C14N, for XML signatures).
#include <libxml/xmlversion.h>
// libxml2's encoding.h includes the system ICU's headers when libxml2 was built with ICU; they
// clash with the ICU copy Foundation carries. Nothing here uses libxml2's ICU converters.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/c14n.h>
#include <libxml/xmlsave.h>

// `xmlFree` is a global variable (a function pointer) that Swift 6 refuses to read from
// concurrent code; this calls it.
static inline void lienthong_xmlFree(void *memory) { xmlFree(memory); }
