"""The names an exported C or JavaScript function may not take: the languages' reserved words and the
names the generated source, its headers and its compilers already give a meaning.

A C function named ``memcpy``, ``int64_t``, ``NULL``, ``isnan``, ``printf`` or ``y0`` does not compile
beside ``<math.h>``, ``<stdint.h>`` and ``<string.h>`` (or beside GCC's built-in declarations), and C
reserves every name of its standard library for that library. The library's names are those glibc
declares for ``gcc -std=c99`` in the 24 headers of C99 (its constants, functions, macros and types),
and the platform's those that glibc's ``<math.h>``, ``<stdint.h>`` and ``<string.h>`` and GCC add outside
strict ISO C (``j0``, ``strdup``, ``M_PI``, the predefined ``linux`` and ``unix``, the built-in
``alloca`` and ``sincos``), with C11's. ``tests/test_fuzz.py`` checks the compiler's headers and
Node.js's globals against these lists, compiling and running a function for every name it accepts.
"""

C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if inline int "
    "long register restrict return short signed sizeof static struct switch typedef union unsigned void "
    "volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert "
    "_Thread_local".split()
)
"""C's keywords (C99 and C11)."""

C_LIBRARY_NAMES = frozenset((
    "BUFSIZ CHAR_BIT CHAR_MAX CHAR_MIN CLOCKS_PER_SEC DBL_DIG DBL_EPSILON DBL_MANT_DIG DBL_MAX "
    "DBL_MAX_10_EXP DBL_MAX_EXP DBL_MIN DBL_MIN_10_EXP DBL_MIN_EXP DECIMAL_DIG E2BIG EACCES EADDRINUSE "
    "EADDRNOTAVAIL EADV EAFNOSUPPORT EAGAIN EALREADY EBADE EBADF EBADFD EBADMSG EBADR EBADRQC EBADSLT "
    "EBFONT EBUSY ECANCELED ECHILD ECHRNG ECOMM ECONNABORTED ECONNREFUSED ECONNRESET EDEADLK EDEADLOCK "
    "EDESTADDRREQ EDOM EDOTDOT EDQUOT EEXIST EFAULT EFBIG EHOSTDOWN EHOSTUNREACH EHWPOISON EIDRM EILSEQ "
    "EINPROGRESS EINTR EINVAL EIO EISCONN EISDIR EISNAM EKEYEXPIRED EKEYREJECTED EKEYREVOKED EL2HLT "
    "EL2NSYNC EL3HLT EL3RST ELIBACC ELIBBAD ELIBEXEC ELIBMAX ELIBSCN ELNRNG ELOOP EMEDIUMTYPE EMFILE "
    "EMLINK EMSGSIZE EMULTIHOP ENAMETOOLONG ENAVAIL ENETDOWN ENETRESET ENETUNREACH ENFILE ENOANO ENOBUFS "
    "ENOCSI ENODATA ENODEV ENOENT ENOEXEC ENOKEY ENOLCK ENOLINK ENOMEDIUM ENOMEM ENOMSG ENONET ENOPKG "
    "ENOPROTOOPT ENOSPC ENOSR ENOSTR ENOSYS ENOTBLK ENOTCONN ENOTDIR ENOTEMPTY ENOTNAM ENOTRECOVERABLE "
    "ENOTSOCK ENOTSUP ENOTTY ENOTUNIQ ENXIO EOF EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM EPFNOSUPPORT EPIPE "
    "EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EREMCHG EREMOTE EREMOTEIO ERESTART ERFKILL EROFS ESHUTDOWN "
    "ESOCKTNOSUPPORT ESPIPE ESRCH ESRMNT ESTALE ESTRPIPE ETIME ETIMEDOUT ETOOMANYREFS ETXTBSY EUCLEAN "
    "EUNATCH EUSERS EWOULDBLOCK EXDEV EXFULL EXIT_FAILURE EXIT_SUCCESS FE_ALL_EXCEPT FE_DFL_ENV "
    "FE_DIVBYZERO FE_DOWNWARD FE_INEXACT FE_INVALID FE_OVERFLOW FE_TONEAREST FE_TOWARDZERO FE_UNDERFLOW "
    "FE_UPWARD FILE FILENAME_MAX FLT_DIG FLT_EPSILON FLT_EVAL_METHOD FLT_MANT_DIG FLT_MAX FLT_MAX_10_EXP "
    "FLT_MAX_EXP FLT_MIN FLT_MIN_10_EXP FLT_MIN_EXP FLT_RADIX FLT_ROUNDS FOPEN_MAX FP_ILOGB0 FP_ILOGBNAN "
    "FP_INFINITE FP_NAN FP_NORMAL FP_SUBNORMAL FP_ZERO HUGE_VAL HUGE_VALF HUGE_VALL I INFINITY INT16_C "
    "INT16_MAX INT16_MIN INT32_C INT32_MAX INT32_MIN INT64_C INT64_MAX INT64_MIN INT8_C INT8_MAX INT8_MIN "
    "INTMAX_C INTMAX_MAX INTMAX_MIN INTPTR_MAX INTPTR_MIN INT_FAST16_MAX INT_FAST16_MIN INT_FAST32_MAX "
    "INT_FAST32_MIN INT_FAST64_MAX INT_FAST64_MIN INT_FAST8_MAX INT_FAST8_MIN INT_LEAST16_MAX "
    "INT_LEAST16_MIN INT_LEAST32_MAX INT_LEAST32_MIN INT_LEAST64_MAX INT_LEAST64_MIN INT_LEAST8_MAX "
    "INT_LEAST8_MIN INT_MAX INT_MIN LC_ADDRESS LC_ALL LC_COLLATE LC_CTYPE LC_IDENTIFICATION "
    "LC_MEASUREMENT LC_MESSAGES LC_MONETARY LC_NAME LC_NUMERIC LC_PAPER LC_TELEPHONE LC_TIME LDBL_DIG "
    "LDBL_EPSILON LDBL_MANT_DIG LDBL_MAX LDBL_MAX_10_EXP LDBL_MAX_EXP LDBL_MIN LDBL_MIN_10_EXP "
    "LDBL_MIN_EXP LLONG_MAX LLONG_MIN LONG_MAX LONG_MIN L_tmpnam MATH_ERREXCEPT MATH_ERRNO MB_CUR_MAX "
    "MB_LEN_MAX NAN NULL PRIX16 PRIX32 PRIX64 PRIX8 PRIXFAST16 PRIXFAST32 PRIXFAST64 PRIXFAST8 "
    "PRIXLEAST16 PRIXLEAST32 PRIXLEAST64 PRIXLEAST8 PRIXMAX PRIXPTR PRId16 PRId32 PRId64 PRId8 PRIdFAST16 "
    "PRIdFAST32 PRIdFAST64 PRIdFAST8 PRIdLEAST16 PRIdLEAST32 PRIdLEAST64 PRIdLEAST8 PRIdMAX PRIdPTR "
    "PRIi16 PRIi32 PRIi64 PRIi8 PRIiFAST16 PRIiFAST32 PRIiFAST64 PRIiFAST8 PRIiLEAST16 PRIiLEAST32 "
    "PRIiLEAST64 PRIiLEAST8 PRIiMAX PRIiPTR PRIo16 PRIo32 PRIo64 PRIo8 PRIoFAST16 PRIoFAST32 PRIoFAST64 "
    "PRIoFAST8 PRIoLEAST16 PRIoLEAST32 PRIoLEAST64 PRIoLEAST8 PRIoMAX PRIoPTR PRIu16 PRIu32 PRIu64 PRIu8 "
    "PRIuFAST16 PRIuFAST32 PRIuFAST64 PRIuFAST8 PRIuLEAST16 PRIuLEAST32 PRIuLEAST64 PRIuLEAST8 PRIuMAX "
    "PRIuPTR PRIx16 PRIx32 PRIx64 PRIx8 PRIxFAST16 PRIxFAST32 PRIxFAST64 PRIxFAST8 PRIxLEAST16 "
    "PRIxLEAST32 PRIxLEAST64 PRIxLEAST8 PRIxMAX PRIxPTR PTRDIFF_MAX PTRDIFF_MIN RAND_MAX SCHAR_MAX "
    "SCHAR_MIN SCNd16 SCNd32 SCNd64 SCNd8 SCNdFAST16 SCNdFAST32 SCNdFAST64 SCNdFAST8 SCNdLEAST16 "
    "SCNdLEAST32 SCNdLEAST64 SCNdLEAST8 SCNdMAX SCNdPTR SCNi16 SCNi32 SCNi64 SCNi8 SCNiFAST16 SCNiFAST32 "
    "SCNiFAST64 SCNiFAST8 SCNiLEAST16 SCNiLEAST32 SCNiLEAST64 SCNiLEAST8 SCNiMAX SCNiPTR SCNo16 SCNo32 "
    "SCNo64 SCNo8 SCNoFAST16 SCNoFAST32 SCNoFAST64 SCNoFAST8 SCNoLEAST16 SCNoLEAST32 SCNoLEAST64 "
    "SCNoLEAST8 SCNoMAX SCNoPTR SCNu16 SCNu32 SCNu64 SCNu8 SCNuFAST16 SCNuFAST32 SCNuFAST64 SCNuFAST8 "
    "SCNuLEAST16 SCNuLEAST32 SCNuLEAST64 SCNuLEAST8 SCNuMAX SCNuPTR SCNx16 SCNx32 SCNx64 SCNx8 SCNxFAST16 "
    "SCNxFAST32 SCNxFAST64 SCNxFAST8 SCNxLEAST16 SCNxLEAST32 SCNxLEAST64 SCNxLEAST8 SCNxMAX SCNxPTR "
    "SEEK_CUR SEEK_END SEEK_SET SHRT_MAX SHRT_MIN SIGABRT SIGALRM SIGBUS SIGCHLD SIGCLD SIGCONT SIGFPE "
    "SIGHUP SIGILL SIGINT SIGIO SIGIOT SIGKILL SIGPIPE SIGPOLL SIGPROF SIGPWR SIGQUIT SIGRTMAX SIGRTMIN "
    "SIGSEGV SIGSTKFLT SIGSTOP SIGSYS SIGTERM SIGTRAP SIGTSTP SIGTTIN SIGTTOU SIGURG SIGUSR1 SIGUSR2 "
    "SIGVTALRM SIGWINCH SIGXCPU SIGXFSZ SIG_ATOMIC_MAX SIG_ATOMIC_MIN SIG_DFL SIG_ERR SIG_IGN SIZE_MAX "
    "TMP_MAX UCHAR_MAX UINT16_C UINT16_MAX UINT32_C UINT32_MAX UINT64_C UINT64_MAX UINT8_C UINT8_MAX "
    "UINTMAX_C UINTMAX_MAX UINTPTR_MAX UINT_FAST16_MAX UINT_FAST32_MAX UINT_FAST64_MAX UINT_FAST8_MAX "
    "UINT_LEAST16_MAX UINT_LEAST32_MAX UINT_LEAST64_MAX UINT_LEAST8_MAX UINT_MAX ULLONG_MAX ULONG_MAX "
    "USHRT_MAX WCHAR_MAX WCHAR_MIN WEOF WINT_MAX WINT_MIN abort abs acos acosf acosh acoshf acoshl acosl "
    "and and_eq asctime asin asinf asinh asinhf asinhl asinl assert atan atan2 atan2f atan2l atanf atanh "
    "atanhf atanhl atanl atexit atof atoi atol atoll bitand bitor bool bsearch btowc cabs cabsf cabsl "
    "cacos cacosf cacosh cacoshf cacoshl cacosl calloc carg cargf cargl casin casinf casinh casinhf "
    "casinhl casinl catan catanf catanh catanhf catanhl catanl cbrt cbrtf cbrtl ccos ccosf ccosh ccoshf "
    "ccoshl ccosl ceil ceilf ceill cexp cexpf cexpl cimag cimagf cimagl clearerr clock clock_t clog clogf "
    "clogl compl complex conj conjf conjl copysign copysignf copysignl cos cosf cosh coshf coshl cosl "
    "cpow cpowf cpowl cproj cprojf cprojl creal crealf creall csin csinf csinh csinhf csinhl csinl csqrt "
    "csqrtf csqrtl ctan ctanf ctanh ctanhf ctanhl ctanl ctime difftime div div_t double_t erf erfc erfcf "
    "erfcl erff erfl errno exit exp exp2 exp2f exp2l expf expl expm1 expm1f expm1l fabs fabsf fabsl false "
    "fclose fdim fdimf fdiml feclearexcept fegetenv fegetexceptflag fegetround feholdexcept fenv_t feof "
    "feraiseexcept ferror fesetenv fesetexceptflag fesetround fetestexcept feupdateenv fexcept_t fflush "
    "fgetc fgetpos fgets fgetwc fgetws float_t floor floorf floorl fma fmaf fmal fmax fmaxf fmaxl fmin "
    "fminf fminl fmod fmodf fmodl fopen fpclassify fpos_t fprintf fputc fputs fputwc fputws fread free "
    "freopen frexp frexpf frexpl fscanf fseek fsetpos ftell fwide fwprintf fwrite fwscanf getc getchar "
    "getenv gets getwc getwchar gmtime hypot hypotf hypotl ilogb ilogbf ilogbl imaxabs imaxdiv imaxdiv_t "
    "int16_t int32_t int64_t int8_t int_fast16_t int_fast32_t int_fast64_t int_fast8_t int_least16_t "
    "int_least32_t int_least64_t int_least8_t intmax_t intptr_t isalnum isalpha isblank iscntrl isdigit "
    "isfinite isgraph isgreater isgreaterequal isinf isless islessequal islessgreater islower isnan "
    "isnormal isprint ispunct isspace isunordered isupper iswalnum iswalpha iswblank iswcntrl iswctype "
    "iswdigit iswgraph iswlower iswprint iswpunct iswspace iswupper iswxdigit isxdigit jmp_buf labs ldexp "
    "ldexpf ldexpl ldiv ldiv_t lgamma lgammaf lgammal llabs lldiv lldiv_t llrint llrintf llrintl llround "
    "llroundf llroundl localeconv localtime log log10 log10f log10l log1p log1pf log1pl log2 log2f log2l "
    "logb logbf logbl logf logl longjmp lrint lrintf lrintl lround lroundf lroundl malloc "
    "math_errhandling mblen mbrlen mbrtowc mbsinit mbsrtowcs mbstate_t mbstowcs mbtowc memchr memcmp "
    "memcpy memmove memset mktime modf modff modfl nan nanf nanl nearbyint nearbyintf nearbyintl "
    "nextafter nextafterf nextafterl nexttoward nexttowardf nexttowardl not not_eq offsetof or or_eq "
    "perror pow powf powl printf ptrdiff_t putc putchar puts putwc putwchar qsort raise rand realloc "
    "remainder remainderf remainderl remove remquo remquof remquol rename rewind rint rintf rintl round "
    "roundf roundl scalbln scalblnf scalblnl scalbn scalbnf scalbnl scanf setbuf setjmp setlocale setvbuf "
    "sig_atomic_t signal signbit sin sinf sinh sinhf sinhl sinl size_t snprintf sprintf sqrt sqrtf sqrtl "
    "srand sscanf stderr stdin stdout strcat strchr strcmp strcoll strcpy strcspn strerror strftime "
    "strlen strncat strncmp strncpy strpbrk strrchr strspn strstr strtod strtof strtoimax strtok strtol "
    "strtold strtoll strtoul strtoull strtoumax strxfrm swprintf swscanf system tan tanf tanh tanhf tanhl "
    "tanl tgamma tgammaf tgammal time time_t tmpfile tmpnam tolower toupper towctrans towlower towupper "
    "true trunc truncf truncl uint16_t uint32_t uint64_t uint8_t uint_fast16_t uint_fast32_t "
    "uint_fast64_t uint_fast8_t uint_least16_t uint_least32_t uint_least64_t uint_least8_t uintmax_t "
    "uintptr_t ungetc ungetwc va_arg va_copy va_end va_list va_start vfprintf vfscanf vfwprintf vfwscanf "
    "vprintf vscanf vsnprintf vsprintf vsscanf vswprintf vswscanf vwprintf vwscanf wchar_t wcrtomb wcscat "
    "wcschr wcscmp wcscoll wcscpy wcscspn wcsftime wcslen wcsncat wcsncmp wcsncpy wcspbrk wcsrchr "
    "wcsrtombs wcsspn wcsstr wcstod wcstof wcstoimax wcstok wcstol wcstold wcstoll wcstombs wcstoul "
    "wcstoull wcstoumax wcsxfrm wctob wctomb wctrans wctrans_t wctype wctype_t wint_t wmemchr wmemcmp "
    "wmemcpy wmemmove wmemset wprintf wscanf xor xor_eq "
).split())
"""The names of C99's standard library, as glibc declares them (``gcc -std=c99``)."""

C_PLATFORM_NAMES = frozenset((
    "M_1_PI M_2_PI M_2_SQRTPI M_E M_LN10 M_LN2 M_LOG10E M_LOG2E M_PI M_PI_2 M_PI_4 M_SQRT1_2 M_SQRT2 "
    "alignas aligned_alloc alignof alloca at_quick_exit bcmp bcopy bzero char16_t char32_t dcgettext "
    "dgettext drem dremf dreml exp10 exp10f exp10l explicit_bzero ffs ffsl ffsll finite finitef finitel "
    "fprintf_unlocked fputs_unlocked gamma gamma_r gammaf gammaf_r gammal gammal_r gettext i386 index "
    "isascii isinff isinfl isnanf isnanl j0 j0f j0l j1 j1f j1l jn jnf jnl lgamma_r lgammaf_r lgammal_r "
    "linux locale_t max_align_t memccpy mempcpy noreturn pow10 pow10f pow10l printf_unlocked quick_exit "
    "rindex roundeven roundevenf roundevenl scalb scalbf scalbl signbitd128 signbitd32 signbitd64 "
    "signbitf signbitl signgam significand significandf significandl sincos sincosf sincosl static_assert "
    "stpcpy stpncpy strcasecmp strcasecmp_l strcoll_l strdup strerror_l strerror_r strfmon strncasecmp "
    "strncasecmp_l strndup strnlen strsep strsignal strtok_r strxfrm_l thread_local timespec_get toascii "
    "unix y0 y0f y0l y1 y1f y1l yn ynf ynl "
).split())
"""What glibc's ``<math.h>``, ``<stdint.h>`` and ``<string.h>`` and GCC declare or define outside strict
ISO C (GCC's built-in functions of its manual's "Other Builtins"), and C11's library names."""

C_RESERVED = C_KEYWORDS | C_LIBRARY_NAMES | C_PLATFORM_NAMES | {"main"}
"""Every name a C function exported by nncore may not take (besides the generated code's own names,
``nncore._source_export.C_OWN_NAMES``)."""

JAVASCRIPT_RESERVED = frozenset(
    "await break case catch class const continue debugger default delete do else enum export extends false "
    "finally for function if implements import in instanceof interface let new null package private "
    "protected public return static super switch this throw true try typeof var void while with yield "
    "arguments eval undefined NaN Infinity "
    # the globals the generated function calls: a function of that name would hide them
    "Array ArrayBuffer Math Object RangeError".split()
)
"""JavaScript's reserved words (strict mode included), the names a function may not take in strict
mode, and the global objects the generated function uses."""
