/* An empty network: the harness linked with it instead of the network, so that the difference in
   size between the two programs is what the network takes. */
#include "chip.h"
#include "chip_data.h"

void CHIP_NETWORK(const chip_value *input, chip_value *output);

void CHIP_NETWORK(const chip_value *input, chip_value *output)
{
    (void)input;
    (void)output;
}
